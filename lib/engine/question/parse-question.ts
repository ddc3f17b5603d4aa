import { parseDnsName, InvalidNameError, type DnsName } from '../../dns/name.ts';
import { neutraliseText as visible } from '../../reply/safe-text.ts';
import { formatIpAddress, networkOf, parseIpAddress, reverseDnsName, type IpAddress } from '../../net/ip-address.ts';
import { RecordType, isQueryableType, recordTypeCode } from '../../dns/record-types.ts';
import type { BgpQuery } from '../../bgp/bgp-source.ts';
import { whoisQuestion, type WhoisQuestion } from './whois-question.ts';

export type Question =
  | { readonly kind: 'help' }
  | { readonly kind: 'info' }
  | DnsQuestionRequest
  | { readonly kind: 'bgp'; readonly query: BgpQuery; readonly listPaths?: boolean }
  | WhoisQuestion
  | InvalidQuestion;

export interface DnsQuestionRequest {
  readonly kind: 'dns';
  readonly name: DnsName;
  readonly types: readonly number[];
  /** A named upstream profile (`via cn`, `@cn`), or undefined for the default one. */
  readonly profile?: string;
  /** Set for a reverse lookup: the address whose PTR is asked. */
  readonly address?: IpAddress;
  /** dig's options as the asker wrote them (`+short`, `-4`, …). */
  readonly dig: DigOptions;
  /** `compare` or `via all`: the same question to every configured resolver, side by side. */
  readonly compare?: boolean;
}

/** The dig options the bot understands; each one is off unless asked for. */
export interface DigOptions {
  /** `+short`: the data alone, one value a line. */
  readonly short?: boolean;
  /** `+dnssec`: ask for the DNSSEC records (DO) and show them. */
  readonly dnssec?: boolean;
  /** `+cd`: ask the resolver not to validate. */
  readonly checkingDisabled?: boolean;
  /** `+tcp` (`+vc`): ask over TCP. */
  readonly tcp?: boolean;
  /** `+nsid`: show which server instance answered. */
  readonly nsid?: boolean;
  /** `-4`, `-6`: ask only the resolvers at an address of this IP version. */
  readonly family?: 4 | 6;
  /** `+trace`: resolve from the root servers down, as dig +trace does, instead of asking the resolver. */
  readonly trace?: boolean;
}

export interface InvalidQuestion {
  readonly kind: 'invalid';
  /** What was wrong, for the asker. */
  readonly problem: string;
  /** What would work instead. */
  readonly hint: string;
  /** Understood, and not offered (a zone transfer, another server): said as a refusal, not as a misreading. */
  readonly refused?: boolean;
  /** The text reads as a command line (a tool's name, a +flag, an -option): a question, even one that could not be read. */
  readonly command?: boolean;
}

export interface QuestionOptions {
  /** Names of the configured upstream profiles, for `via NAME` and `@NAME`. */
  readonly profiles: readonly string[];
  /** How many record types one question may ask. */
  readonly maxTypes: number;
}

const MAX_QUESTION_LENGTH = 1000;
const MAX_WORDS = 16;
// People paste dig commands, and those of its cousins: the command's name is not part of the question.
const digTools = /^(dig|kdig|drill|host|nslookup)$/i;
// host and nslookup take the server as a second name (`host example.com 1.1.1.1`).
const serverAsSecondName = /^(host|nslookup)$/i;
const digFlags: Record<string, keyof DigOptions> = {
  short: 'short',
  dnssec: 'dnssec',
  cd: 'checkingDisabled',
  cdflag: 'checkingDisabled',
  tcp: 'tcp',
  vc: 'tcp',
  nsid: 'nsid',
  trace: 'trace',
};
const displayFlags = /^(no)?(all|answer|authority|additional|question|comments|cmd|stats|multiline|multi|ttlid|ttlunits|class|rrcomments|identify)$/;
const FLAG_LIST = '+short, +dnssec, +cd, +tcp, +nsid and +trace, with -x ADDRESS, -t TYPE, -4 and -6';
const ZONE_TRANSFERS = new Set([RecordType.AXFR, RecordType.IXFR]);
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
  if (/^(whois|rdap|abuse)$/i.test(first)) return whoisQuestion(first, others.map(hostOf), bgpQuestion);
  if (others.length === 0 && (isCidr(first) || isAsn(first))) return bgpQuestion([first]);
  return dnsQuestion(rest, profile, options);
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
      const name = word.slice(1);
      if (/^all$/i.test(name) && !known.has('all')) {
        rest.push('compare');
        continue;
      }
      if (!known.has(name.toLowerCase())) {
        // dig's @SERVER: an address or a host name. Anything else is an account's @mention, not part of the question.
        if (isServer(name)) return { rest, profile, problem: otherServer(name, profiles) };
        continue;
      }
      asked = name;
    } else {
      rest.push(word);
      continue;
    }
    const match = known.get(asked.replace(/^@/, '').toLowerCase());
    if (!match && /^all$/i.test(asked)) {
      rest.push('compare');
      continue;
    }
    if (!match) {
      const list = profiles.length ? `known resolvers: ${profiles.join(', ')}` : 'this bot has no other resolvers configured';
      return { rest, profile, problem: invalid(`I know no resolver called “${visible(asked)}”`, list) };
    }
    profile = match;
  }
  return { rest, profile, problem: undefined };
}

/** `1.1.1.1`, `[2001:db8::53]:53`, `dns.example#53`: a server, where an account would be `@name` or `@name@domain`. */
function isServer(word: string): boolean {
  // The port may follow as `#53` (dig's own notation) or `:53`; sentence punctuation has taken a closing bracket already.
  const host = word.replace(/#\d+$/, '').replace(/^\[([^\]]*)\]?(:\d+)?$/, '$1');
  // `localhost` is how operators run dig against their own resolver: a server, not an account.
  return (
    parseIpAddress(host) !== undefined || parseIpAddress(host.replace(/:\d+$/, '')) !== undefined || /^[^@]+\.[^@]+$/.test(host) || /^localhost$/i.test(host)
  );
}

function otherServer(written: string, profiles: readonly string[]): InvalidQuestion {
  const server = written.replace(/^\[/, '').replace(/\](:\d+)?$/, '');
  return refused(
    `I do not ask “${visible(server)}”: I only ask the resolvers my operator set up, so that nobody can point me at a server of their choosing`,
    profiles.length
      ? `ask without it for the default resolver, or pick one of ${profiles.map((p) => `“via ${p}”`).join(', ')}`
      : 'ask without it: this bot has one resolver',
  );
}

/** What a dig command line says besides names and types. */
interface DigWords {
  readonly positional: string[];
  readonly types: number[];
  readonly dig: { -readonly [K in keyof DigOptions]: DigOptions[K] };
  /** The address of `-x ADDRESS`. */
  reverse?: string;
}

/** Reads dig's options off the words; what is left are names and types, in order. */
function digWords(words: readonly string[]): DigWords | InvalidQuestion {
  const read: DigWords = { positional: [], types: [], dig: {} };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const next = () => words[++i];
    if (word.startsWith('+') && word.length > 1) {
      const problem = digFlag(word.slice(1).toLowerCase(), read.dig);
      if (problem) return problem;
    } else if (word === '-4' || word === '-6') read.dig.family = word === '-4' ? 4 : 6;
    else if (word === '-x') {
      read.reverse = next();
      if (read.reverse === undefined) return invalid('-x takes an address', 'ask e.g. “-x 192.0.2.1”');
    } else if (/^-t([A-Za-z][A-Za-z0-9]*)?$/.test(word) || /^-(type|querytype|query|q)=/i.test(word)) {
      const typeWord = optionValue(word, next);
      const codes = typeWord === undefined ? undefined : typeCodes(typeWord);
      if (typeWord !== undefined && isZoneTransfer(typeWord)) return zoneTransfer();
      if (!codes)
        return invalid(`${typeWord === undefined ? 'nothing' : `“${visible(typeWord)}”`} after ${visible(word)} is not a record type`, 'ask e.g. “-t MX”');
      read.types.push(...codes);
    } else if (/^-c([A-Za-z]+)?$/.test(word) || /^-class=/i.test(word)) {
      const classWord = optionValue(word, next) ?? '';
      if (!/^IN$/i.test(classWord)) return otherClass(classWord);
    } else if (/^-[a-z0-9]+(=\S*)?$/i.test(word)) {
      // Not `-example.com`: that is a name with a bad label, for the name's own check to explain.
      return invalid(`I do not know the option ${visible(word)}`, `the options I understand are ${FLAG_LIST}`);
    } else read.positional.push(word);
  }
  return read;
}

/** The value of `-t MX` (the next word), `-tMX` (dig and kdig) or `-type=MX` (nslookup). */
function optionValue(word: string, next: () => string | undefined): string | undefined {
  if (word.includes('=')) return word.slice(word.indexOf('=') + 1) || undefined;
  return word.length > 2 ? word.slice(2) : next();
}

/** Sets the dig option `+flag` (or clears it for `+noflag`); a problem for the ones not offered. */
function digFlag(flag: string, dig: DigWords['dig']): InvalidQuestion | undefined {
  if (/^no(rec|recu|recur|recurs|recurse)$/.test(flag)) {
    return refused(
      '+norecurse is not offered: a non-recursive question reads the resolver’s cache, and so what its other users looked up',
      'ask without it; the answer says when it came from my own cache',
    );
  }
  // How dig prints its answer: this bot has one way of showing one, so these change nothing and are taken as read.
  if (displayFlags.test(flag)) return undefined;
  const negated = flag.startsWith('no') && digFlags[flag.slice(2)] !== undefined;
  const option = digFlags[negated ? flag.slice(2) : flag];
  if (option === undefined || option === 'family') return invalid(`I do not know +${visible(flag)}`, `the options I understand are ${FLAG_LIST}`);
  dig[option] = !negated;
  return undefined;
}

function dnsQuestion(words: readonly string[], profile: string | undefined, options: QuestionOptions): Question {
  const question = readDnsQuestion(words, profile, options);
  const command = digTools.test(words[0] ?? '') || words.some((w) => /^[+-][a-z0-9]/i.test(w));
  return question.kind === 'invalid' && command ? { ...question, command } : question;
}

function readDnsQuestion(words: readonly string[], profile: string | undefined, options: QuestionOptions): Question {
  const compare = words.some((w) => /^compare$/i.test(w));
  const tool = words.length > 1 && digTools.test(words[0]) ? words[0] : undefined;
  const read = digWords((tool ? words.slice(1) : words).filter((w) => !/^compare$/i.test(w)));
  if ('kind' in read) return read;
  const { positional, dig } = read;
  const types = [...read.types];
  const names: string[] = [];
  for (const [index, word] of positional.entries()) {
    const asType = typeCodes(word);
    // In “NAME TYPE…” order a first word that looks like a type (“ns”, “mx”) is still the name.
    if (asType && !(index === 0 && positional.length > 1 && positional.slice(1).every((w) => typeCodes(w)))) types.push(...asType);
    else if (isZoneTransfer(word)) return zoneTransfer();
    else if (/^TYPE\d+$/i.test(word))
      return invalid(`${word} is not a record type I can ask`, 'types go from TYPE1 to TYPE65535, except meta types like OPT or AXFR');
    else if (positional.length > 1 && /^(IN|CH|HS|CHAOS|HESIOD)$/i.test(word)) {
      if (!/^IN$/i.test(word)) return otherClass(word);
    } else names.push(word);
  }
  if (read.reverse !== undefined) names.unshift(read.reverse);
  if (tool && serverAsSecondName.test(tool) && names.length === 2 && isServer(names[1])) return otherServer(names[1], options.profiles);
  if (names.length === 0) return invalid('which name should I look up?', 'write the name first, e.g. “example.com MX”');
  if (names.length > 1) {
    return invalid(
      `I can look up one name at a time, and I read ${names.length}: ${names.map((n) => `“${visible(n)}”`).join(', ')}`,
      'ask e.g. “example.com MX”; record types are A, AAAA, MX, TXT, NS, SOA, CAA, …',
    );
  }
  const unique = [...new Set(types)];
  if (compare && unique.length > 1)
    return invalid(`a comparison takes one record type, and you asked for ${unique.length}`, 'compare one type at a time, e.g. “example.com AAAA compare”');
  if (compare && profile !== undefined) return invalid('a comparison asks every resolver, so it takes no “via NAME”', 'ask e.g. “example.com compare”');
  if (unique.length > options.maxTypes)
    return invalid(`you asked for ${unique.length} record types`, `I answer up to ${options.maxTypes} types in one question`);
  if (dig.trace && compare) return invalid('+trace and compare are two different questions', 'ask “example.com +trace” or “example.com compare”');
  if (dig.trace && unique.length > 1) return invalid(`+trace follows one record type, and you asked for ${unique.length}`, 'ask e.g. “example.com MX +trace”');
  if (dig.trace && profile)
    return invalid(`+trace asks the root servers and each zone’s own servers, not the resolver “${visible(profile)}”`, 'ask without via or @');
  const target = hostOf(names[0]);
  if (zoned.test(target) && parseIpAddress(target.slice(0, target.indexOf('%')))) {
    const bare = target.slice(0, target.indexOf('%'));
    return invalid(
      `“${visible(target)}” carries a zone index (%${visible(target.slice(bare.length + 1))}), which names a network interface of your own machine`,
      `send the address without it, “${bare}”, for its reverse (PTR) name`,
    );
  }
  const address = parseIpAddress(target);
  if (address) return reverseQuestion(address, unique, profile, dig, compare);
  if (read.reverse !== undefined) return invalid(`“${visible(read.reverse)}” after -x is not an IP address`, 'ask e.g. “-x 192.0.2.1” or “-x 2001:db8::1”');
  try {
    return { kind: 'dns', name: parseDnsName(target), types: unique.length ? unique : [RecordType.A], profile, dig, ...(compare && { compare }) };
  } catch (error) {
    if (error instanceof InvalidNameError) return invalid(error.problem, error.hint);
    throw error;
  }
}

function isZoneTransfer(word: string): boolean {
  const code = recordTypeCode(word);
  return code !== undefined && ZONE_TRANSFERS.has(code);
}

function zoneTransfer(): InvalidQuestion {
  return refused('zone transfers (AXFR, IXFR) are not offered', 'ask for the record types you want, e.g. “example.com NS SOA MX”, or ANY');
}

function otherClass(word: string): InvalidQuestion {
  return invalid(`I only ask class IN, not “${visible(word)}”`, 'ask without the class');
}

function reverseQuestion(address: IpAddress, types: readonly number[], profile: string | undefined, dig: DigOptions, compare: boolean): Question {
  if (types.some((t) => t !== RecordType.PTR)) {
    return invalid(`${formatIpAddress(address)} is an address, not a name`, 'send the address alone for its reverse (PTR) name');
  }
  const name = reverseDnsName(address);
  return { kind: 'dns', name: { ascii: name, unicode: name }, types: [RecordType.PTR], profile, address, dig, ...(compare && { compare }) };
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
  if (words.length > 0 && /^paths?$/i.test(words[0]!)) return bgpPathsQuestion(words.slice(1));
  const usage = 'ask e.g. “bgp 192.0.2.1”, “bgp 2001:db8::/32”, “bgp path 192.0.2.1” or “AS64500”';
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

/** `bgp path ADDRESS` or `bgp path PREFIX`: the AS paths by which the route is seen. */
function bgpPathsQuestion(words: readonly string[]): Question {
  const question = bgpQuestion(words);
  if (question.kind !== 'bgp') return question;
  if (question.query.kind === 'asn') return invalid('“bgp path” lists the AS paths to an address or prefix, not to an AS', 'ask e.g. “bgp path 192.0.2.1”');
  return { ...question, listPaths: true };
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

function refused(problem: string, hint: string): InvalidQuestion {
  return { kind: 'invalid', problem, hint, refused: true };
}
