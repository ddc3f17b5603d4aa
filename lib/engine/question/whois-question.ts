import type { BgpQuery } from '../../bgp/bgp-source.ts';
import { InvalidNameError, parseDnsName, type DnsName } from '../../dns/name.ts';
import { neutraliseText as visible } from '../../reply/safe-text.ts';
import type { InvalidQuestion, Question } from './parse-question.ts';

/** What `whois` asks about: a domain name, or what a BGP question would take (an address, a prefix, an AS number). */
export type WhoisTarget = { readonly kind: 'domain'; readonly name: DnsName } | BgpQuery;

/** `whois X`, `rdap X`: who holds it; `abuse X`: its abuse mailbox alone. */
export interface WhoisQuestion {
  readonly kind: 'whois';
  readonly target: WhoisTarget;
  readonly abuseOnly: boolean;
}

const USAGE = 'ask e.g. “whois example.com”, “whois 192.0.2.1”, “whois 2001:db8::/32”, “whois AS64500” or “abuse 192.0.2.1”';

/**
 * Reads the words after `whois`, `rdap` or `abuse`. An address, prefix or AS
 * number is read as a BGP question reads it (`readBgp`), anything else as a
 * DNS name (a pasted link has been read as its host already); `abuse` takes no name (a domain's abuse mailbox is its registrar's,
 * which `whois NAME` shows).
 */
export function whoisQuestion(command: string, words: readonly string[], readBgp: (words: readonly string[]) => Question): WhoisQuestion | InvalidQuestion {
  const abuseOnly = /^abuse$/i.test(command);
  if (words.length !== 1) return invalid(`“${visible(command)}” takes one name, address, prefix or AS number`, USAGE);
  const word = words[0]!;
  const bgp = readBgp([word]);
  if (bgp.kind === 'bgp') return { kind: 'whois', target: bgp.query, abuseOnly };
  if (/^(?=.*\d)[\d.:/]+$/.test(word) || /^AS\d+$/i.test(word)) return bgp.kind === 'invalid' ? bgp : invalid(`“${visible(word)}” is not an address`, USAGE);
  if (abuseOnly) return invalid('“abuse” takes an address, prefix or AS number', 'for a domain, “whois example.com” shows its registrar’s abuse mailbox');
  try {
    const name = parseDnsName(word);
    if (name.ascii === '') return invalid('the root has no registration', USAGE);
    return { kind: 'whois', target: { kind: 'domain', name }, abuseOnly };
  } catch (error) {
    if (error instanceof InvalidNameError) return invalid(error.problem, error.hint);
    throw error;
  }
}

function invalid(problem: string, hint: string): InvalidQuestion {
  return { kind: 'invalid', problem, hint };
}
