import type { BgpQuery } from '../bgp/bgp-source.ts';
import { askType } from '../engine/ask-dns.ts';
import { compareResolvers } from '../engine/compare-resolvers.ts';
import type { EngineSources } from '../engine/looking-glass.ts';
import type { DnsQuestionRequest } from '../engine/question/question.ts';
import { observeAsn, observeComparison, observeDns, observeRoute, type Observation } from './observe.ts';

/** The questions a watch can follow: a DNS question (not +trace) or a BGP one. */
export type WatchedQuestion = DnsQuestionRequest | { readonly kind: 'bgp'; readonly query: BgpQuery };

/** How many queries one check of `question` asks: what it takes from the watch budget. */
export function checkCost(question: WatchedQuestion, sources: EngineSources): number {
  if (question.kind === 'bgp') return 1;
  return question.compare ? Math.min(sources.resolvers.size, sources.compareMax) : question.types.length;
}

/**
 * Asks the question as an answer would, and reads the state a watch keeps
 * from what came back; undefined when the answer said nothing (no resolver
 * answered, the BGP source failed): that is no change of the world.
 */
export async function checkQuestion(
  question: WatchedQuestion,
  sources: EngineSources,
  visibilityThreshold: number,
  signal?: AbortSignal,
): Promise<Observation | undefined> {
  if (question.kind === 'dns') {
    if (question.compare) return observeComparison(await compareResolvers(sources.resolvers, question, sources.compareMax, signal));
    const resolver = sources.resolvers.get(question.profile ?? '');
    if (!resolver) return undefined;
    return observeDns(await Promise.all(question.types.map((type) => askType(resolver, question, type, signal))));
  }
  const { bgp, rpki } = sources;
  if (!bgp) return undefined;
  try {
    if (question.query.kind === 'asn') return { state: observeAsn(await bgp.asn(question.query.asn)) };
    const route = await bgp.route(question.query);
    const validities = rpki && route.prefix ? await rpki.validate(route.prefix.address, route.prefix.length, route.origins) : undefined;
    return { state: observeRoute(route, validities, visibilityThreshold) };
  } catch {
    // A source that did not answer (a remote service down, RPKI not loaded yet) tells nothing about the route.
    return undefined;
  }
}
