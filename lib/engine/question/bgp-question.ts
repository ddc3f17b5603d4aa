import { networkOf, readCidr } from '../../net/ip-address.ts';
import type { QuestionProblem } from './problem-texts.ts';
import type { BgpQuestion } from './question.ts';

/** `AS64500`: an AS number as people write it alone (a bare number alone is a name). */
export function isAsn(word: string): boolean {
  return /^AS\d{1,10}$/i.test(word);
}

/** An address or a prefix in CIDR text, a length that is none included (`10.0.0.0/33`, for the BGP grammar to explain). */
export function isCidr(word: string): boolean {
  const read = readCidr(word);
  return read !== undefined && read.kind !== 'address';
}

/** The words after `bgp`: one address, prefix or AS number, or `path` and an address or prefix. */
export function bgpQuestion(words: readonly string[]): BgpQuestion | QuestionProblem {
  if (words.length > 0 && /^paths?$/i.test(words[0]!)) return bgpPathsQuestion(words.slice(1));
  if (words.length !== 1) return { kind: 'bgp-words' };
  const word = words[0]!;
  const asn = /^AS(\d{1,10})$/i.exec(word) ?? /^(\d{1,10})$/.exec(word);
  if (asn) {
    const number = Number(asn[1]);
    return number <= 0xffffffff ? { kind: 'bgp', query: { kind: 'asn', asn: number } } : { kind: 'asn-too-large', written: word };
  }
  const read = readCidr(word);
  // A second slash makes no prefix of any length.
  if (!read || (read.kind === 'bad-length' && read.lengthText.includes('/'))) return { kind: 'bgp-target', written: word };
  if (read.kind === 'address') return { kind: 'bgp', query: { kind: 'address', address: read.address } };
  if (read.kind === 'bad-length') return { kind: 'prefix-length', written: read.lengthText, version: read.address.version };
  return { kind: 'bgp', query: { kind: 'prefix', prefix: networkOf(read.address, read.length), length: read.length } };
}

/** `bgp path ADDRESS` or `bgp path PREFIX`: the AS paths by which the route is seen. */
function bgpPathsQuestion(words: readonly string[]): BgpQuestion | QuestionProblem {
  const question = bgpQuestion(words);
  if (question.kind !== 'bgp') return question;
  if (question.query.kind === 'asn') return { kind: 'paths-of-asn' };
  return { ...question, listPaths: true };
}
