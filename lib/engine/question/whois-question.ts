import { InvalidNameError, parseDnsName } from '../../dns/name.ts';
import { bgpQuestion } from './bgp-question.ts';
import type { QuestionProblem } from './problem-texts.ts';
import type { WhoisQuestion } from './question.ts';

/**
 * Reads the words after `whois`, `rdap` or `abuse`. An address, prefix or AS
 * number is read as a BGP question reads it, anything else as a DNS name (a
 * pasted link has been read as its host already); `abuse` takes no name (a
 * domain's abuse mailbox is its registrar's, which `whois NAME` shows).
 */
export function whoisQuestion(command: string, words: readonly string[]): WhoisQuestion | QuestionProblem {
  const abuseOnly = /^abuse$/i.test(command);
  if (words.length !== 1) return { kind: 'whois-words', command };
  const word = words[0]!;
  const bgp = bgpQuestion([word]);
  if (bgp.kind === 'bgp') return { kind: 'whois', target: bgp.query, abuseOnly };
  if (/^(?=.*\d)[\d.:/]+$/.test(word) || /^AS\d+$/i.test(word)) return bgp;
  if (abuseOnly) return { kind: 'abuse-of-domain' };
  try {
    const name = parseDnsName(word);
    if (name.ascii === '') return { kind: 'whois-root' };
    return { kind: 'whois', target: { kind: 'domain', name }, abuseOnly };
  } catch (error) {
    if (error instanceof InvalidNameError) return { kind: 'bad-name', problem: error.problem, hint: error.hint };
    throw error;
  }
}
