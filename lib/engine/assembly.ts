import type { BgpSource } from '../bgp/bgp-source.ts';
import { openRpkiSource } from '../bgp/rpki/open-rpki-source.ts';
import type { RpkiSource } from '../bgp/rpki/rpki-source.ts';
import { openBgpSource } from '../bgp/sources/open-source.ts';
import { DataFileLoadError } from '../datafile/errors.ts';
import { CachingResolver } from '../dns/caching-resolver.ts';
import type { Resolver } from '../dns/resolver.ts';
import { IterativeResolver } from '../dns/trace/iterative-resolver.ts';
import { udpServerQuery } from '../dns/trace/server-query.ts';
import type { ServerQuery } from '../dns/trace/name-server.ts';
import { UpstreamResolver } from '../dns/upstream-resolver.ts';
import { refusedAddressRule } from '../net/special-ranges.ts';
import type { Logger } from '../ops/logger.ts';
import { privateZoneReason } from './answer/refusals.ts';
import { openWhois, type Whois } from './ask-whois.ts';
import type { EngineConfig } from './config.ts';
import { ConfigError } from './config-error.ts';

/** What the engine answers with, built from its configuration. */
export interface EngineParts {
  /** Resolvers by profile name ('' = default). */
  readonly resolvers: ReadonlyMap<string, Resolver>;
  readonly bgp?: BgpSource;
  readonly rpki?: RpkiSource;
  /** `whois` over RDAP; undefined when RDAP=off. */
  readonly whois?: Whois;
}

/** A trace's limits besides its time (DNS_TRACE_TIMEOUT_MS): what dig +trace needs for any real name, with room for CNAMEs and glueless delegations. */
export const TRACE_LIMITS = { maxReferrals: 30, maxQueries: 60 };
/** Each server asked by a trace answers within this or is passed over: authoritative servers answer in well under a second. */
const TRACE_QUERY_TIMEOUT_MS = 3000;

/**
 * The resolvers, the whois client, the BGP source BGP_SOURCE names (asked
 * through the default resolver) and BGP_RPKI's RPKI source; the snapshots of
 * a table file and a VRP file are kept in `snapshotDir` (STATE_DIR). A data
 * file that does not load is a ConfigError naming its variable.
 */
export async function openEngineParts(config: EngineConfig, options: { logger: Logger; snapshotDir?: string }): Promise<EngineParts> {
  const resolvers = buildResolvers(config);
  const whois = await openWhois(config.rdap, { logger: options.logger, stateDir: options.snapshotDir });
  const bgp = await openBgpSource({
    source: config.bgpSource,
    asNamesPath: config.bgpAsNames,
    resolver: resolvers.get('')!,
    timeoutMs: config.timeoutMs,
    logger: options.logger,
    snapshotDir: options.snapshotDir,
  }).catch((error: unknown) => {
    throw error instanceof DataFileLoadError ? new ConfigError('BGP_SOURCE', error.message) : error;
  });
  const rpki = bgp
    ? await openRpkiSource({ source: config.bgpRpki, timeoutMs: config.timeoutMs, logger: options.logger, snapshotDir: options.snapshotDir }).catch(
        (error: unknown) => {
          bgp.close();
          throw error instanceof DataFileLoadError ? new ConfigError('BGP_RPKI', `must be off, ripestat or a VRP file that loads: ${error.message}`) : error;
        },
      )
    : undefined;
  return { resolvers, whois, bgp, rpki };
}

/** One resolver per profile ('' = default), each behind its own answer cache unless DNS_CACHE_SIZE is 0. */
export function buildResolvers(config: EngineConfig): Map<string, Resolver> {
  const build = (upstreams: EngineConfig['upstreams']): Resolver => {
    const resolver = new UpstreamResolver(upstreams, config.timeoutMs);
    if (config.cacheSize === 0) return resolver;
    return new CachingResolver(resolver, {
      maxEntries: config.cacheSize,
      maxTtlSeconds: config.cacheMaxTtlSeconds,
      maxNegativeTtlSeconds: config.cacheMaxNegativeTtlSeconds,
    });
  };
  const resolvers = new Map<string, Resolver>([['', build(config.upstreams)]]);
  for (const [name, upstreams] of config.profiles) resolvers.set(name, build(upstreams));
  return resolvers;
}

/**
 * The resolver of `+trace`: from the root hints, sending only to public
 * addresses unless DNS_TRACE_ALLOW_PRIVATE, and never to a name under
 * DNS_FORBIDDEN_NAMES (`forbidding`), where a CNAME or a glueless name
 * server may lead although the question itself could not go there.
 */
export function buildTracer(config: EngineConfig, ask: ServerQuery | undefined, forbidding: (name: string) => string | undefined): IterativeResolver {
  const { rootHints, timeoutMs, allowPrivate } = config.trace;
  return new IterativeResolver({
    rootHints,
    ask: ask ?? udpServerQuery(Math.min(config.timeoutMs, TRACE_QUERY_TIMEOUT_MS)),
    refuseAddress: refusedAddressRule(allowPrivate),
    refuseName: (name) => {
      const under = forbidding(name);
      return under === undefined ? undefined : privateZoneReason(under);
    },
    limits: { ...TRACE_LIMITS, timeoutMs },
  });
}
