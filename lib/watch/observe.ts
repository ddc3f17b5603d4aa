/**
 * The engine's answers turned into watch states, once, where they come in.
 * An answer that says nothing (a resolver that timed out, a BGP source that
 * failed) is no state at all: a watch never reports its own trouble asking
 * as a change of the world.
 */
import { formatPrefix } from '../net/ip-address.ts';
import type { AsnAnswer, RouteAnswer } from '../bgp/bgp-source.ts';
import type { RouteValidity } from '../bgp/rpki/rpki-source.ts';
import type { DnsResponse } from '../dns/resolver.ts';
import type { TypeOutcome } from '../engine/ask-dns.ts';
import { dataOf, type Comparison } from '../engine/compare-resolvers.ts';
import { rcodeName } from '../dns/rcodes.ts';
import type { AgreementGroup, AsnState, DnsTypeState, RouteState, WatchState } from './watch-state.ts';

/** A state, and how long the answer may be kept (the smallest TTL), where DNS says. */
export interface Observation {
  readonly state: WatchState;
  readonly ttlSeconds?: number;
}

const SOA = 6;

export function observeDns(outcomes: readonly TypeOutcome[]): Observation | undefined {
  const answers: DnsTypeState[] = [];
  let ttl = Number.POSITIVE_INFINITY;
  for (const outcome of outcomes) {
    if (!('response' in outcome)) return undefined;
    const { response } = outcome;
    answers.push({
      type: outcome.type,
      rcode: response.rcode,
      records: dataOf(response),
      ad: response.authenticated,
      ede: [...new Set(response.extendedErrors.map((e) => e.code))].sort((a, b) => a - b),
    });
    ttl = Math.min(ttl, ttlOf(response));
  }
  return { state: { kind: 'dns', answers }, ttlSeconds: Number.isFinite(ttl) ? ttl : undefined };
}

/** How long a response may be kept: its records' smallest TTL, or for a negative answer the SOA's (RFC 2308 §5). */
function ttlOf(response: DnsResponse): number {
  if (response.answers.length) return Math.min(...response.answers.map((r) => r.ttl));
  const soa = response.authorities.find((r) => r.type === SOA);
  if (soa?.rdata.kind === 'soa') return Math.min(soa.ttl, soa.rdata.minimum);
  return Number.POSITIVE_INFINITY;
}

/** Which resolvers agree: groups by answer, each sorted; undefined while any resolver did not answer. */
export function observeComparison(comparison: Comparison): Observation | undefined {
  const groups = new Map<string, string[]>();
  let ttl = Number.POSITIVE_INFINITY;
  for (const { resolver, outcome, data } of comparison.answers) {
    if (!('response' in outcome)) return undefined;
    const { rcode } = outcome.response;
    const answer = rcode === 0 ? (data.length ? data.join(', ') : 'no records') : rcodeName(rcode);
    groups.set(answer, [...(groups.get(answer) ?? []), resolver]);
    ttl = Math.min(ttl, ttlOf(outcome.response));
  }
  const sorted: AgreementGroup[] = [...groups.entries()]
    .map(([answer, resolvers]) => ({ answer, resolvers: resolvers.sort() }))
    .sort((a, b) => (a.answer < b.answer ? -1 : a.answer > b.answer ? 1 : 0));
  return { state: { kind: 'compare', groups: sorted }, ttlSeconds: Number.isFinite(ttl) ? ttl : undefined };
}

/**
 * A route's state: its prefix and origins, the more-specifics inside it, whether at least
 * `visibilityThreshold` of the peers carry it (where the source knows peers), and RPKI per origin.
 */
export function observeRoute(route: RouteAnswer, validities: readonly RouteValidity[] | undefined, visibilityThreshold: number): RouteState {
  const visibility = route.paths?.visibility;
  const visible = visibility && visibility.peers > 0 ? visibility.seenBy / visibility.peers >= visibilityThreshold : undefined;
  return {
    kind: 'route',
    ...(route.prefix !== undefined && { prefix: formatPrefix(route.prefix) }),
    origins: [...route.origins].sort((a, b) => a - b),
    ...(route.moreSpecifics !== undefined && { moreSpecifics: route.moreSpecifics }),
    ...(visible !== undefined && { visible }),
    rpki: (validities ?? []).map((v) => ({ origin: v.origin, state: v.state })).sort((a, b) => a.origin - b.origin),
  };
}

export function observeAsn(answer: AsnAnswer): AsnState {
  return {
    kind: 'asn',
    ...(answer.ipv4Prefixes !== undefined && { ipv4Prefixes: answer.ipv4Prefixes }),
    ...(answer.ipv6Prefixes !== undefined && { ipv6Prefixes: answer.ipv6Prefixes }),
  };
}
