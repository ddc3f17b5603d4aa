import type { BgpTableStats } from '../../bgp/bgp-source.ts';
import type { RpkiStats } from '../../bgp/rpki/rpki-source.ts';
import { CachingResolver } from '../../dns/caching-resolver.ts';
import type { Resolver } from '../../dns/resolver.ts';
import { ianaRootHints } from '../../dns/trace/root-hints.ts';
import type { BootstrapInfo } from '../../rdap/bootstrap-store.ts';
import type { ReplyLine } from '../../reply/split-reply.ts';
import type { TraceConfig } from '../config.ts';
import { duration } from './duration.ts';
import { bootstrapLine } from './format-whois-answer.ts';
import { rpkiSourceLine, sourceLine } from './format-bgp-answer.ts';

/** What `info` tells: the engine's resolvers and sources as they are now, and how it has been doing. */
export interface EngineInfo {
  /** Resolvers by profile name ('' = default). */
  readonly resolvers: ReadonlyMap<string, Resolver>;
  /** How many resolvers a comparison asks, and DNS_COMPARE_MAX. */
  readonly compared: number;
  readonly compareMax: number;
  /** A BGP source is configured; its and the RPKI source's figures when they answered. */
  readonly bgp: boolean;
  readonly bgpStats?: BgpTableStats;
  readonly rpkiStats?: RpkiStats;
  readonly trace: TraceConfig;
  readonly traceLimits: { readonly maxReferrals: number; readonly maxQueries: number };
  /** What a trace counts as at least. */
  readonly traceCost: number;
  /** The RDAP bootstrap registries, when whois is on. */
  readonly bootstrap?: BootstrapInfo;
  /** Lines other parts add (how many watches run). */
  readonly added: readonly ReplyLine[];
  readonly upMs: number;
  readonly answered: number;
}

/** The answer to `info`. */
export function infoLines(info: EngineInfo): ReplyLine[] {
  const profiles = [...info.resolvers.entries()].filter(([name]) => name).map(([name, r]) => `${name} (${r.upstreams.join(', ')})`);
  return [
    { text: `fedidig: a DNS${info.bgp ? ' and BGP' : ''} looking glass on the fediverse. Mention me with a name, or send “help”.` },
    { text: `Resolver: ${info.resolvers.get('')!.upstreams.join(', ')}` },
    ...(profiles.length ? [{ text: `Other resolvers (via NAME): ${profiles.join('; ')}` }] : []),
    ...(profiles.length ? [{ text: `“compare” asks ${info.compared} of them at once (DNS_COMPARE_MAX ${info.compareMax})` }] : []),
    ...(info.bgpStats ? [{ text: `BGP ${sourceLine(info.bgpStats)}` }] : []),
    ...(info.rpkiStats ? [{ text: rpkiSourceLine(info.rpkiStats) }] : []),
    { text: traceLine(info) },
    ...(info.bootstrap ? [{ text: bootstrapLine(info.bootstrap) }] : []),
    ...cacheLines(info.resolvers),
    ...info.added,
    { text: `Up ${duration(info.upMs)}, ${info.answered} questions answered.` },
  ];
}

function traceLine({ trace, traceLimits, traceCost }: EngineInfo): string {
  const { rootHints, timeoutMs, allowPrivate } = trace;
  const from =
    rootHints === ianaRootHints ? `the IANA root servers (${rootHints.length} addresses)` : `root hints ${rootHints.map((h) => h.address).join(', ')}`;
  const limits = `at most ${traceLimits.maxReferrals} referrals, ${traceLimits.maxQueries} queries and ${timeoutMs / 1000} s`;
  return `+trace: from ${from}; ${limits}; ${allowPrivate ? 'private addresses allowed (a lab)' : 'only to public addresses'}; counts as ${traceCost} or more questions.`;
}

function cacheLines(resolvers: ReadonlyMap<string, Resolver>): ReplyLine[] {
  return [...resolvers.entries()].flatMap(([name, resolver]) => (resolver instanceof CachingResolver ? [cacheStatsLine(name, resolver)] : []));
}

function cacheStatsLine(name: string, resolver: CachingResolver): ReplyLine {
  const { size, hitRate, hits, coalesced, misses } = resolver.stats();
  return {
    text: `DNS cache${name ? ` (${name})` : ''}: ${size} answers, ${Math.round(hitRate * 100)} % hits (${hits} hits, ${coalesced} shared, ${misses} asked)`,
  };
}
