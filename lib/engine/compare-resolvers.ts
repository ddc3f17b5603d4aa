import type { DnsResponse, ExtendedDnsError, Resolver } from '../dns/resolver.ts';
import { presentRdata } from '../dns/wire/rdata-presentation.ts';
import { recordTypeName } from '../dns/record-types.ts';
import { askOnce, type TypeOutcome } from './ask-dns.ts';
import type { DnsQuestionRequest } from './question/question.ts';

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
  /** These give no data where the rest give some. */
  | { readonly kind: 'no-data'; readonly resolvers: readonly string[] }
  /** No answer is given by more resolvers than any other: each group is listed. */
  | { readonly kind: 'split'; readonly groups: readonly (readonly string[])[] }
  /** These did not validate (no AD) what the rest validated. */
  | { readonly kind: 'no-ad'; readonly resolvers: readonly string[] }
  /** This one said why it answered as it did (blocked, censored, filtered, stale…), and not all the others said so. */
  | { readonly kind: 'ede'; readonly resolver: string; readonly error: ExtendedDnsError }
  /** This one did not answer at all. */
  | { readonly kind: 'no-answer'; readonly resolver: string };

export interface Comparison {
  readonly answers: readonly ComparedAnswer[];
  /** Empty when every resolver answered the same, validated alike, and said the same of it. */
  readonly differences: readonly Difference[];
  /** EDEs every resolver that answered gave: no difference, but worth saying. */
  readonly sharedErrors: readonly ExtendedDnsError[];
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
  const responding = answers.flatMap((a) => ('response' in a.outcome ? [{ ...a, response: a.outcome.response }] : []));
  const sharedErrors =
    responding[0]?.response.extendedErrors.filter((error) => responding.every((a) => a.response.extendedErrors.some((e) => sameError(e, error)))) ?? [];
  return { answers, differences: differences(answers, responding, sharedErrors), sharedErrors, leftOut: resolvers.size - asked.length };
}

/** The answer's data, sorted, without TTLs: what two answers must share to be the same (a watch compares by it too). */
export function dataOf(response: DnsResponse): string[] {
  const type = response.question.type;
  return response.answers
    .map((record) => `${record.type === type ? '' : `${record.name}. ${recordTypeName(record.type)} `}${presentRdata(record.rdata)}`)
    .sort();
}

type Responding = ComparedAnswer & { readonly response: DnsResponse };

function differences(answers: readonly ComparedAnswer[], responding: readonly Responding[], sharedErrors: readonly ExtendedDnsError[]): Difference[] {
  const keyOf = (a: Responding) => `${a.response.rcode} ${a.data.join('\n')}`;
  const groups = new Map<string, Responding[]>();
  for (const answer of responding) groups.set(keyOf(answer), [...(groups.get(keyOf(answer)) ?? []), answer]);
  const result: Difference[] = [];
  const reference = referenceGroup([...groups.values()])?.[0];
  if (reference) {
    const others = responding.filter((a) => keyOf(a) !== keyOf(reference));
    const byRcode = new Map<number, string[]>();
    for (const a of others.filter((o) => o.response.rcode !== reference.response.rcode)) {
      byRcode.set(a.response.rcode, [...(byRcode.get(a.response.rcode) ?? []), a.resolver]);
    }
    for (const [rcode, resolvers] of byRcode) result.push({ kind: 'rcode', resolvers, rcode });
    const sameRcode = others.filter((o) => o.response.rcode === reference.response.rcode);
    const withoutData = sameRcode.filter((o) => o.data.length === 0).map((o) => o.resolver);
    const otherData = sameRcode.filter((o) => o.data.length > 0).map((o) => o.resolver);
    if (withoutData.length) result.push({ kind: 'no-data', resolvers: withoutData });
    if (otherData.length) result.push({ kind: 'data', resolvers: otherData });
    if (responding.some((a) => a.response.authenticated && keyOf(a) === keyOf(reference))) {
      const unvalidated = responding.filter((a) => !a.response.authenticated && keyOf(a) === keyOf(reference)).map((a) => a.resolver);
      if (unvalidated.length) result.push({ kind: 'no-ad', resolvers: unvalidated });
    }
  } else if (groups.size > 1) result.push({ kind: 'split', groups: [...groups.values()].map((group) => group.map((a) => a.resolver)) });
  for (const a of responding)
    for (const error of a.response.extendedErrors)
      if (!sharedErrors.some((e) => sameError(e, error))) result.push({ kind: 'ede', resolver: a.resolver, error });
  for (const a of answers) if ('error' in a.outcome) result.push({ kind: 'no-answer', resolver: a.resolver });
  return result;
}

/**
 * The answer the others are measured against: the one most resolvers give;
 * on a tie, the one validated (AD) if only one of them is. None when that
 * still leaves a tie: no resolver is taken for the truth then.
 */
function referenceGroup(groups: readonly Responding[][]): Responding[] | undefined {
  const most = Math.max(0, ...groups.map((g) => g.length));
  const largest = groups.filter((g) => g.length === most);
  if (largest.length === 1) return largest[0];
  const validated = largest.filter((g) => g.some((a) => a.response.authenticated));
  return validated.length === 1 ? validated[0] : undefined;
}

/** The same reason, whatever words each resolver adds (Unbound names the server it asked). */
function sameError(a: ExtendedDnsError, b: ExtendedDnsError): boolean {
  return a.code === b.code;
}
