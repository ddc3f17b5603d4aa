import { InvalidNameError, parseDnsName } from '../../dns/name.ts';
import { RecordType } from '../../dns/record-types.ts';
import { parseIpAddress, reverseDnsName, type IpAddress } from '../../net/ip-address.ts';
import { classProblem, digWords, isClassWord, isDigTool, takesServerAsSecondName } from './dig-options.ts';
import type { QuestionProblem } from './problem-texts.ts';
import type { DigOptions, DnsQuestionRequest, QuestionOptions } from './question.ts';
import { isCompareWord, isServer, otherServer } from './resolver-choice.ts';
import { typeCodes, typeProblem } from './type-words.ts';

// An IPv6 address with a zone index (`fe80::1%eth0`, RFC 4007): the zone names an interface of the asker's machine.
const zoned = /^[0-9a-f:.]+%[\w.-]+$/i;

/** `fe80::1%eth0`: the shape of an address with a zone index, which sentence punctuation must not be taken from. */
export function isZonedAddress(word: string): boolean {
  return zoned.test(word);
}

/** What a DNS question asks once its words are read: one name (or address), its types, the resolver and dig's options. */
export interface DnsAsked {
  /** The name or address as written (a pasted link is read as its host). */
  readonly name: string;
  readonly types: readonly number[];
  readonly profile?: string;
  readonly dig: DigOptions;
  readonly compare: boolean;
  /** The name came after `-x`, and so must be an address. */
  readonly reverse?: boolean;
}

/**
 * A DNS question's words (a profile already taken off): names, types, a
 * class and dig's options in any order, the command's name first when pasted.
 */
export function dnsQuestionFromWords(words: readonly string[], profile: string | undefined, options: QuestionOptions): DnsQuestionRequest | QuestionProblem {
  const compare = words.some(isCompareWord);
  const tool = words.length > 1 && isDigTool(words[0]) ? words[0] : undefined;
  const read = digWords((tool ? words.slice(1) : words).filter((w) => !isCompareWord(w)));
  if (!('positional' in read)) return read;
  const { positional, dig } = read;
  const types = [...read.types];
  const names: string[] = [];
  for (const [index, word] of positional.entries()) {
    const asType = typeCodes(word);
    // In “NAME TYPE…” order a first word that looks like a type (“ns”, “mx”) is still the name.
    if (asType && !(index === 0 && positional.length > 1 && positional.slice(1).every((w) => typeCodes(w)))) {
      types.push(...asType);
      continue;
    }
    const problem = typeProblem(word) ?? (positional.length > 1 && isClassWord(word) ? classProblem(word) : undefined);
    if (problem) return problem;
    if (!(positional.length > 1 && isClassWord(word))) names.push(word);
  }
  if (read.reverse !== undefined) names.unshift(read.reverse);
  if (tool && takesServerAsSecondName(tool) && names.length === 2 && isServer(names[1])) return otherServer(names[1], options.profiles);
  if (names.length === 0) return { kind: 'no-name' };
  if (names.length > 1) return { kind: 'several-names', names };
  return dnsQuestion({ name: names[0], types, profile, dig, compare, reverse: read.reverse !== undefined }, options);
}

/** The DNS question of `asked`, or why it cannot be asked: the checks every way of asking shares. */
export function dnsQuestion(asked: DnsAsked, options: QuestionOptions): DnsQuestionRequest | QuestionProblem {
  const { profile, dig, compare } = asked;
  const types = [...new Set(asked.types)];
  if (compare && types.length > 1) return { kind: 'comparison-types', count: types.length };
  if (compare && profile !== undefined) return { kind: 'comparison-profile' };
  if (types.length > options.maxTypes) return { kind: 'too-many-types', count: types.length, max: options.maxTypes };
  if (dig.trace && compare) return { kind: 'trace-comparison' };
  if (dig.trace && types.length > 1) return { kind: 'trace-types', count: types.length };
  if (dig.trace && profile) return { kind: 'trace-profile', profile };
  const target = hostOf(asked.name);
  if (zoned.test(target) && parseIpAddress(target.slice(0, target.indexOf('%')))) {
    const address = target.slice(0, target.indexOf('%'));
    return { kind: 'zone-index', written: target, address, zone: target.slice(address.length + 1) };
  }
  const address = parseIpAddress(target);
  if (address) return reverseQuestion(address, types, profile, dig, compare);
  if (asked.reverse) return { kind: 'reverse-not-an-address', written: asked.name };
  try {
    return { kind: 'dns', name: parseDnsName(target), types: types.length ? types : [RecordType.A], profile, dig, ...(compare && { compare }) };
  } catch (error) {
    if (error instanceof InvalidNameError) return { kind: 'bad-name', problem: error.problem, hint: error.hint };
    throw error;
  }
}

function reverseQuestion(
  address: IpAddress,
  types: readonly number[],
  profile: string | undefined,
  dig: DigOptions,
  compare: boolean,
): DnsQuestionRequest | QuestionProblem {
  if (types.some((t) => t !== RecordType.PTR)) return { kind: 'address-with-types', address };
  const name = reverseDnsName(address);
  return { kind: 'dns', name: { ascii: name, unicode: name }, types: [RecordType.PTR], profile, address, dig, ...(compare && { compare }) };
}

/** `https://example.com/page` → `example.com`: people paste links. */
export function hostOf(word: string): string {
  if (!/^https?:\/\//i.test(word)) return word;
  try {
    return new URL(word).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return word;
  }
}
