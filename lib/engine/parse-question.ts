import { parseDnsName, InvalidNameError, type DnsName } from '../dns/name.ts';
import { neutraliseText as visible } from '../reply/safe-text.ts';
import { formatIpAddress, networkOf, parseIpAddress, reverseDnsName, type IpAddress } from '../net/ip-address.ts';
import { RecordType, isQueryableType, recordTypeCode } from '../dns/record-types.ts';
import type { BgpQuery } from '../bgp/bgp-source.ts';

export type Question =
  | { readonly kind: 'help' }
  | { readonly kind: 'info' }
  | DnsQuestionRequest
  | { readonly kind: 'bgp'; readonly query: BgpQuery }
  | InvalidQuestion;

export interface DnsQuestionRequest {
  readonly kind: 'dns';
  readonly name: DnsName;
  readonly types: readonly number[];
  /** A named upstream profile (`via cn`, `@cn`), or undefined for the default one. */
  readonly profile?: string;
  /** Set for a reverse lookup: the address whose PTR is asked. */
  readonly address?: IpAddress;
}

export interface InvalidQuestion {
  readonly kind: 'invalid';
  /** What was wrong, for the asker. */
  readonly problem: string;
  /** What would work instead. */
  readonly hint: string;
}

export interface QuestionOptions {
  /** Names of the configured upstream profiles, for `via NAME` and `@NAME`. */
  readonly profiles: readonly string[];
  /** How many record types one question may ask. */
  readonly maxTypes: number;
}

const MAX_QUESTION_LENGTH = 1000;
const MAX_WORDS = 12;
// Punctuation people put around a name in a sentence; a trailing dot is part of the name and stays.
const wrapping = /^[\s"'`“”‘’«»()[\]<>{},;:!?]+|[\s"'`“”‘’«»()[\]<>{},;:!?]+$/gu;
// The same without the colon, which starts and ends IPv6 addresses (`::1`, `2001:db8::`).
const wrappingButColons = /^[\s"'`“”‘’«»()[\]<>{},;!?]+|[\s"'`“”‘’«»()[\]<>{},;!?]+$/gu;
// An IPv6 address with a zone index (`fe80::1%eth0`, RFC 4007): the zone names an interface of the asker's machine.
const zoned = /^[0-9a-f:.]+%[\w.-]+$/i;

/**
 * A word with the punctuation of its sentence taken off, and an address's own colons kept; an address may
 * also end its sentence with a dot (a name keeps its trailing dot: it is part of the name).
 */
function unwrap(word: string): string {
  const kept = word.replace(wrappingButColons, '');
  for (const candidate of [kept, kept.replace(/\.$/, '')]) if (parseIpAddress(candidate) || zoned.test(candidate) || isCidr(candidate)) return candidate;
  return word.replace(wrapping, '');
}

/**
 * Turns the plain text of a mention (the bot's own @mention already removed)
 * into a question. Pure: nothing here touches the network.
 */
export function parseQuestion(text: string, options: QuestionOptions): Question {
  if (text.length > MAX_QUESTION_LENGTH) {
    return invalid(`your question is ${text.length} characters long`, 'ask one name, e.g. “example.com MX”');
  }
  const words = text
    .split(/\s+/u)
    .map(unwrap)
    .filter((w) => w !== '' && !w.startsWith('#'));
  const { profile, rest, problem } = takeProfile(words, options.profiles);
  if (problem) return problem;
  const [first, ...others] = rest;
  if (first === undefined || (others.length === 0 && /^(help|\?|hilfe|aide)$/i.test(first))) return { kind: 'help' };
  if (others.length === 0 && /^(info|about|status)$/i.test(first)) return { kind: 'info' };
  if (rest.length > MAX_WORDS) return invalid(`your question has ${rest.length} words`, 'ask one name with up to a few types, e.g. “example.com A AAAA MX”');
  if (/^bgp$/i.test(first)) return bgpQuestion(others);
  if (others.length === 0 && (isCidr(first) || isAsn(first))) return bgpQuestion([first]);
  return dnsQuestion(rest, profile, options.maxTypes);
}

function takeProfile(words: readonly string[], profiles: readonly string[]) {
  const known = new Map(profiles.map((p) => [p.toLowerCase(), p]));
  const rest: string[] = [];
  let profile: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    let asked: string | undefined;
    if (/^via$/i.test(word) && i + 1 < words.length) asked = words[++i];
    else if (word.startsWith('@')) {
      // Another account's @mention is not part of the question, unless it names a profile.
      if (!known.has(word.slice(1).toLowerCase())) continue;
      asked = word.slice(1);
    } else {
      rest.push(word);
      continue;
    }
    const match = known.get(asked.replace(/^@/, '').toLowerCase());
    if (!match) {
      const list = profiles.length ? `known resolvers: ${profiles.join(', ')}` : 'this bot has no other resolvers configured';
      return { rest, profile, problem: invalid(`I know no resolver called “${visible(asked)}”`, list) };
    }
    profile = match;
  }
  return { rest, profile, problem: undefined };
}

function dnsQuestion(words: readonly string[], profile: string | undefined, maxTypes: number): Question {
  const types: number[] = [];
  const names: string[] = [];
  for (const [index, word] of words.entries()) {
    const asType = typeCodes(word);
    // In “NAME TYPE…” order a first word that looks like a type (“ns”, “mx”) is still the name.
    if (asType && !(index === 0 && words.length > 1 && words.slice(1).every((w) => typeCodes(w)))) types.push(...asType);
    else if (/^TYPE\d+$/i.test(word))
      return invalid(`${word} is not a record type I can ask`, 'types go from TYPE1 to TYPE65535, except meta types like OPT or AXFR');
    else names.push(word);
  }
  if (names.length === 0) return invalid('which name should I look up?', 'write the name first, e.g. “example.com MX”');
  if (names.length > 1) {
    return invalid(
      `I can look up one name at a time, and I read ${names.length}: ${names.map((n) => `“${visible(n)}”`).join(', ')}`,
      'ask e.g. “example.com MX”; record types are A, AAAA, MX, TXT, NS, SOA, CAA, …',
    );
  }
  const unique = [...new Set(types)];
  if (unique.length > maxTypes) return invalid(`you asked for ${unique.length} record types`, `I answer up to ${maxTypes} types in one question`);
  const target = hostOf(names[0]);
  if (zoned.test(target) && parseIpAddress(target.slice(0, target.indexOf('%')))) {
    const bare = target.slice(0, target.indexOf('%'));
    return invalid(
      `“${visible(target)}” carries a zone index (%${visible(target.slice(bare.length + 1))}), which names a network interface of your own machine`,
      `send the address without it, “${bare}”, for its reverse (PTR) name`,
    );
  }
  const address = parseIpAddress(target);
  if (address) return reverseQuestion(address, unique, profile);
  try {
    return { kind: 'dns', name: parseDnsName(target), types: unique.length ? unique : [RecordType.A], profile };
  } catch (error) {
    if (error instanceof InvalidNameError) return invalid(error.problem, error.hint);
    throw error;
  }
}

function reverseQuestion(address: IpAddress, types: readonly number[], profile: string | undefined): Question {
  if (types.some((t) => t !== RecordType.PTR)) {
    return invalid(`${formatIpAddress(address)} is an address, not a name`, 'send the address alone for its reverse (PTR) name');
  }
  const name = reverseDnsName(address);
  return { kind: 'dns', name: { ascii: name, unicode: name }, types: [RecordType.PTR], profile, address };
}

/** `https://example.com/page` → `example.com`: people paste links. */
function hostOf(word: string): string {
  if (!/^https?:\/\//i.test(word)) return word;
  try {
    return new URL(word).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return word;
  }
}

function typeCodes(word: string): number[] | undefined {
  if (/^addr$/i.test(word)) return [RecordType.A, RecordType.AAAA];
  const code = recordTypeCode(word);
  return code !== undefined && isQueryableType(code) ? [code] : undefined;
}

function bgpQuestion(words: readonly string[]): Question {
  const usage = 'ask e.g. “bgp 192.0.2.1”, “bgp 2001:db8::/32” or “AS64500”';
  if (words.length !== 1) return invalid('a BGP question takes one address, prefix or AS number', usage);
  const word = words[0];
  const asn = /^AS(\d{1,10})$/i.exec(word) ?? /^(\d{1,10})$/.exec(word);
  if (asn) {
    const number = Number(asn[1]);
    return number <= 0xffffffff
      ? { kind: 'bgp', query: { kind: 'asn', asn: number } }
      : invalid(`${word} is not an AS number`, 'AS numbers go up to 4294967295');
  }
  const [addressText, lengthText, extra] = word.split('/');
  const address = parseIpAddress(addressText);
  if (!address || extra !== undefined) return invalid(`“${visible(word)}” is not an IP address, prefix or AS number`, usage);
  if (lengthText === undefined) return { kind: 'bgp', query: { kind: 'address', address } };
  const maxLength = address.version === 4 ? 32 : 128;
  const length = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : NaN;
  if (!(length <= maxLength)) return invalid(`/${visible(lengthText)} is not a prefix length for IPv${address.version}`, `use /0 to /${maxLength}`);
  return { kind: 'bgp', query: { kind: 'prefix', prefix: networkOf(address, length), length } };
}

function isCidr(word: string): boolean {
  const [address, length] = word.split('/');
  return length !== undefined && parseIpAddress(address) !== undefined;
}

function isAsn(word: string): boolean {
  return /^AS\d{1,10}$/i.test(word);
}

function invalid(problem: string, hint: string): InvalidQuestion {
  return { kind: 'invalid', problem, hint };
}
