import { toASCII, toUnicode, type Tr46Options } from 'tr46';
import { neutraliseText } from '../reply/safe-text.ts';

/**
 * A name as the user asked it, made ready for the wire: `ascii` is what is
 * queried (A-labels, lower case), `unicode` is what a person reads.
 */
export interface DnsName {
  readonly ascii: string;
  readonly unicode: string;
}

/** Why a name cannot be asked, in words meant for the asker. */
export class InvalidNameError extends Error {
  override readonly name = 'InvalidNameError';
  constructor(
    readonly problem: string,
    readonly hint: string,
  ) {
    super(problem);
  }
}

const MAX_LABEL_OCTETS = 63;
const MAX_NAME_OCTETS = 255;

// UTS #46 processing with the checks browsers and registries apply (non-transitional, as IDNA2008).
const idnaOptions: Tr46Options = {
  checkBidi: true,
  checkHyphens: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  transitionalProcessing: false,
  verifyDNSLength: false,
};

// UTS #46 silently drops these; a name that only looks right is worse than a clear refusal.
const invisible = /[\u00ad\u200b\u2060\ufeff\u180e]/u;
// Full stops that UTS #46 treats as label separators.
const dots = /[.\u3002\uff0e\uff61]/u;
const asciiLabel = /^[a-z0-9_-]+$/i;

export function parseDnsName(input: string): DnsName {
  if (invisible.test(input)) {
    throw new InvalidNameError(`the name “${neutraliseText(input)}” contains an invisible character`, 'type the name again without it');
  }
  const trimmed = input.endsWith('.') && input.length > 1 ? input.slice(0, -1) : input;
  if (trimmed === '.' || trimmed === '') return { ascii: '', unicode: '' };
  const labels = trimmed.split(dots);
  if (labels.some((label) => label === '')) {
    throw new InvalidNameError(`the name “${neutraliseText(input)}” has an empty label (two dots in a row, or a leading dot)`, 'write it like example.com');
  }
  const ascii = labels.map((label, index) => asciiLabelFor(label, index, input));
  checkLengths(ascii, input);
  return { ascii: ascii.join('.'), unicode: ascii.map(unicodeLabel).join('.') };
}

function asciiLabelFor(label: string, index: number, input: string): string {
  // `_dmarc`, `_443._tcp` and the wildcard are not host names: IDNA must not touch them.
  if (label.startsWith('_') || (label === '*' && index === 0)) {
    if (asciiLabel.test(label) || label === '*') return label;
    throw new InvalidNameError(
      `the label “${neutraliseText(label)}” starts with _ but has characters other than letters, digits, - and _`,
      'service labels look like _dmarc or _443._tcp',
    );
  }
  if (asciiLabel.test(label) && !/^xn--/i.test(label)) {
    if (label.startsWith('-') || label.endsWith('-')) {
      throw new InvalidNameError(`the label “${label}” starts or ends with a hyphen`, 'host names cannot begin or end with -');
    }
    return label.toLowerCase();
  }
  const converted = toASCII(label, idnaOptions);
  if (converted === null || converted === '' || converted.includes('.')) {
    throw new InvalidNameError(
      `“${neutraliseText(label)}” in “${neutraliseText(input)}” is not a valid internationalised (IDN) label`,
      'use letters, digits and hyphens of one script, e.g. café.example or bücher.de',
    );
  }
  return converted;
}

function unicodeLabel(label: string): string {
  if (!/^xn--/i.test(label)) return label;
  const { domain, error } = toUnicode(label, idnaOptions);
  return error ? label : domain;
}

function checkLengths(labels: readonly string[], input: string): void {
  for (const label of labels) {
    const octets = Buffer.byteLength(label);
    if (octets > MAX_LABEL_OCTETS) {
      throw new InvalidNameError(`the label “${shorten(label)}” is ${octets} octets long`, `a label can have at most ${MAX_LABEL_OCTETS} octets`);
    }
  }
  const octets = labels.reduce((sum, label) => sum + Buffer.byteLength(label) + 1, 1);
  if (octets > MAX_NAME_OCTETS) {
    throw new InvalidNameError(`the name “${shorten(neutraliseText(input))}” is ${octets} octets long`, `a name can have at most ${MAX_NAME_OCTETS} octets`);
  }
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 20)}…${text.slice(-12)}` : text;
}
