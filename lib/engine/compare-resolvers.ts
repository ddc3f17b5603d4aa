import type { DnsResponse, ExtendedDnsError, Resolver } from '../dns/resolver.ts';
import { presentRdata } from '../dns/wire/rdata-presentation.ts';
import { recordTypeName } from '../dns/record-types.ts';
import { askOnce, type TypeOutcome } from './ask-dns.ts';
import type { DnsQuestionRequest } from './parse-question.ts';

/** One resolver's answer to the compared question. */
export interface ComparedAnswer {
  /** The profile's name; `default` for DNS_UPSTREAM. */
  readonly resolver: string;
  readonly outcome: TypeOutcome;
  /** The answer's data, sorted, without TTLs: what must match for two resolvers to agree. */
  readonly data: readonly string[];
}

/** How the answers differ, each as a fact about some resolvers. */
export type Difference =
  /** These resolvers give another rcode than the rest (NXDOMAIN alone, SERVFAIL, REFUSED). */
  | { readonly kind: 'rcode'; readonly resolvers: readonly string[]; readonly rcode: number }
  /** These give the same rcode as the rest, with other data: another address set, a sinkhole. */
  | { readonly kind: 'data'; readonly resolvers: readonly string[] }
  /** These did not validate (no AD) what the rest validated. */
  | { readonly kind: 'no-ad'; readonly resolvers: readonly string[] }
  /** This one said why it answered as it did (blocked, censored, filtered, stale…). */
  | { readonly kind: 'ede'; readonly resolver: string; readonly error: ExtendedDnsError }
  /** This one did not answer at all. */
  | { readonly kind: 'no-answer'; readonly resolver: string };

export interface Comparison {
  readonly answers: readonly ComparedAnswer[];
  /** Empty when every resolver answered the same, validated alike, and said nothing more. */
  readonly differences: readonly Difference[];
  /** Resolvers configured but left out: more than DNS_COMPARE_MAX. */
  readonly leftOut: number;
}

/**
 * Asks the question of every resolver at once (each with its own timeouts)
 * and says where their answers part. The data is compared as sorted sets, so
 * that the order of records never counts as a difference; the answer most
 * resolvers give (the default resolver's, on a tie) is the one the others
 * are measured against.
 */
export async function compareResolvers(
  resolvers: ReadonlyMap<string, Resolver>,
  question: DnsQuestionRequest,
  maxResolvers: number,
  signal: AbortSignal | undefined,
): Promise<Comparison> {
  const asked = [...resolvers.entries()].slice(0, maxResolvers);
  const [type] = question.types;
  const answers = await Promise.all(
    asked.map(async ([name, resolver]): Promise<ComparedAnswer> => {
      const outcome = await askOnce(resolver, question, type, signal);
      return { resolver: name || 'default', outcome, data: 'response' in outcome ? dataOf(outcome.response) : [] };
    }),
  );
  return { answers, differences: differences(answers), leftOut: resolvers.size - asked.length };
}

function dataOf(response: DnsResponse): string[] {
  const type = response.question.type;
  return response.answers
    .map((record) => `${record.type === type ? '' : `${record.name}. ${recordTypeName(record.type)} `}${presentRdata(record.rdata)}`)
    .sort();
}

function differences(answers: readonly ComparedAnswer[]): Difference[] {
  const responding = answers.flatMap((a) => ('response' in a.outcome ? [{ ...a, response: a.outcome.response }] : []));
  const keyOf = (a: { response: DnsResponse; data: readonly string[] }) => `${a.response.rcode} ${a.data.join('\n')}`;
  const groups = new Map<string, typeof responding>();
  for (const answer of responding) groups.set(keyOf(answer), [...(groups.get(keyOf(answer)) ?? []), answer]);
  // Map order is first-seen order, and the default resolver comes first: it wins a tie.
  const consensus = [...groups.values()].reduce<typeof responding>((best, group) => (group.length > best.length ? group : best), []);
  const result: Difference[] = [];
  const reference = consensus[0];
  if (reference) {
    const others = responding.filter((a) => keyOf(a) !== keyOf(reference));
    const byRcode = new Map<number, string[]>();
    for (const a of others.filter((o) => o.response.rcode !== reference.response.rcode)) {
      byRcode.set(a.response.rcode, [...(byRcode.get(a.response.rcode) ?? []), a.resolver]);
    }
    for (const [rcode, resolvers] of byRcode) result.push({ kind: 'rcode', resolvers, rcode });
    const otherData = others.filter((o) => o.response.rcode === reference.response.rcode).map((o) => o.resolver);
    if (otherData.length) result.push({ kind: 'data', resolvers: otherData });
    if (consensus.some((a) => a.response.authenticated)) {
      const unvalidated = responding.filter((a) => !a.response.authenticated && keyOf(a) === keyOf(reference)).map((a) => a.resolver);
      if (unvalidated.length) result.push({ kind: 'no-ad', resolvers: unvalidated });
    }
  }
  for (const a of responding) for (const error of a.response.extendedErrors) result.push({ kind: 'ede', resolver: a.resolver, error });
  for (const a of answers) if ('error' in a.outcome) result.push({ kind: 'no-answer', resolver: a.resolver });
  return result;
}
