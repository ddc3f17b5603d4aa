import { ConfigError } from './config-error.ts';
import { defaultForbiddenNames } from './question/forbidden-names.ts';
import { isVisibility, visibilities, type Visibility } from '../fediverse/reply-visibility.ts';
import { InvalidUpstreamError, parseUpstream, parseUpstreamList, systemUpstreams, type Upstream } from '../dns/upstream.ts';
import { ianaRootHints } from '../dns/trace/root-hints.ts';
import type { NameServer } from '../dns/trace/name-server.ts';
import { parseIpAddress } from '../net/ip-address.ts';
import type { BgpSourceSetting } from '../bgp/sources/open-source.ts';
import type { RpkiSourceSetting } from '../bgp/rpki/open-rpki-source.ts';
import { unroutableReason } from '../net/special-ranges.ts';
import { IANA_BOOTSTRAP_URL } from '../rdap/bootstrap.ts';

/** What the query engine needs, read from the environment (`.env.example` documents each variable). */
export interface EngineConfig {
  readonly upstreams: readonly Upstream[];
  readonly profiles: ReadonlyMap<string, readonly Upstream[]>;
  readonly timeoutMs: number;
  readonly forbiddenNames: readonly string[];
  readonly maxTypes: number;
  /** How many resolvers a comparison asks at most, the default one first. */
  readonly compareMax: number;
  readonly maxParts: number;
  readonly maxVisibility: Visibility;
  readonly bgpSource: BgpSourceSetting;
  readonly bgpAsNames?: string;
  /** Route origin validation. */
  readonly bgpRpki: RpkiSourceSetting;
  /** Answers the cache holds per resolver; 0 turns the cache off. */
  readonly cacheSize: number;
  readonly cacheMaxTtlSeconds: number;
  readonly cacheMaxNegativeTtlSeconds: number;
  /** Which question texts reach the logs: all, only public and unlisted ones, or none (said in `help`). */
  readonly logQueries: 'all' | 'public-only' | 'none';
  readonly trace: TraceConfig;
  readonly rdap: RdapConfig;
}

/** `whois` over RDAP: on or off, where the bootstrap registries come from, and how far and long its requests may go. */
export interface RdapConfig {
  readonly enabled: boolean;
  /** RDAP_BOOTSTRAP_DIR: the operator's dns.json, ipv4.json, ipv6.json and asn.json, used as they are. */
  readonly bootstrapDir?: string;
  /** Where the daily refresh fetches the four files (RDAP_BOOTSTRAP_URL, IANA's by default). */
  readonly bootstrapUrl: string;
  /** RDAP_ALLOW_PRIVATE: RDAP servers may be at addresses that are not globally routable (a lab). */
  readonly allowPrivate: boolean;
  /** One request (redirects included), and all the requests of one question. */
  readonly timeoutMs: number;
  readonly questionTimeoutMs: number;
}

/** `+trace`: where it starts, how long it may take, and whether it may send to addresses that are not globally routable. */
export interface TraceConfig {
  readonly rootHints: readonly NameServer[];
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function readEngineConfig(env: Environment): EngineConfig {
  return {
    upstreams: upstreamsFrom(env, 'DNS_UPSTREAM'),
    profiles: profilesFrom(env.DNS_PROFILES),
    timeoutMs: integer(env, 'DNS_TIMEOUT_MS', 5000, 100, 60_000),
    forbiddenNames: forbiddenFrom(env.DNS_FORBIDDEN_NAMES),
    maxTypes: integer(env, 'DNS_MAX_TYPES', 5, 1, 10),
    compareMax: integer(env, 'DNS_COMPARE_MAX', 8, 2, 32),
    maxParts: integer(env, 'REPLY_MAX_PARTS', 4, 1, 20),
    maxVisibility: visibility(env, 'REPLY_MAX_VISIBILITY'),
    bgpSource: bgpSourceFrom(env.BGP_SOURCE?.trim() || 'cymru', env.BGP_SOURCE_LABEL?.trim() || undefined, integer(env, 'BGP_TABLE_THREADS', 1, 1, 16)),
    bgpAsNames: env.BGP_ASNAMES?.trim() || undefined,
    bgpRpki: rpkiSourceFrom(env.BGP_RPKI?.trim() || 'off'),
    cacheSize: integer(env, 'DNS_CACHE_SIZE', 10_000, 0, 1_000_000),
    cacheMaxTtlSeconds: integer(env, 'DNS_CACHE_MAX_TTL', 3600, 1, 86_400),
    cacheMaxNegativeTtlSeconds: integer(env, 'DNS_CACHE_MAX_NEGATIVE_TTL', 300, 1, 3600),
    logQueries: oneOf(env, 'LOG_QUERIES', ['all', 'public-only', 'none'] as const),
    trace: traceFrom(env),
    rdap: rdapFrom(env),
  };
}

function rdapFrom(env: Environment): RdapConfig {
  const bootstrapUrl = env.RDAP_BOOTSTRAP_URL?.trim() || IANA_BOOTSTRAP_URL;
  if (!/^https:\/\/[^/]+\/(.*\/)?$/i.test(bootstrapUrl))
    throw new ConfigError('RDAP_BOOTSTRAP_URL', `must be an https URL ending with / (got “${bootstrapUrl}”)`);
  const timeoutMs = integer(env, 'RDAP_TIMEOUT_MS', 5000, 100, 60_000);
  return {
    enabled: oneOf(env, 'RDAP', ['on', 'off'] as const) === 'on',
    bootstrapDir: env.RDAP_BOOTSTRAP_DIR?.trim() || undefined,
    bootstrapUrl,
    allowPrivate: oneOf(env, 'RDAP_ALLOW_PRIVATE', ['false', 'true'] as const) === 'true',
    timeoutMs,
    questionTimeoutMs: integer(env, 'RDAP_QUESTION_TIMEOUT_MS', Math.max(12_000, timeoutMs), timeoutMs, 120_000),
  };
}

function bgpSourceFrom(text: string, label: string | undefined, threads: number): BgpSourceSetting {
  if (text === 'off' || text === 'cymru' || text === 'ripestat') return { kind: text };
  if (text.startsWith('table:') && text.length > 'table:'.length)
    return { kind: 'table', path: text.slice('table:'.length), ...(label !== undefined && { label }), threads };
  throw new ConfigError('BGP_SOURCE', `must be cymru, ripestat, table:PATH or off (got “${text}”)`);
}

/** `off`, `ripestat`, or any other text: the path of a VRP file. */
function rpkiSourceFrom(text: string): RpkiSourceSetting {
  return text === 'off' || text === 'ripestat' ? { kind: text } : { kind: 'file', path: text };
}

function traceFrom(env: Environment): TraceConfig {
  const allowPrivate = oneOf(env, 'DNS_TRACE_ALLOW_PRIVATE', ['false', 'true'] as const) === 'true';
  return { rootHints: rootHintsFrom(env.DNS_ROOT_HINTS, allowPrivate), timeoutMs: integer(env, 'DNS_TRACE_TIMEOUT_MS', 15_000, 1000, 120_000), allowPrivate };
}

export function integer(env: Environment, variable: string, fallback: number, min: number, max: number): number {
  const text = env[variable]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(variable, `must be a whole number from ${min} to ${max} (got “${text}”)`);
  }
  return value;
}

/** One of `choices`, the first being the default. */
export function oneOf<T extends string>(env: Environment, variable: string, choices: readonly T[]): T {
  const value = env[variable]?.trim() || choices[0];
  if (!(choices as readonly string[]).includes(value)) throw new ConfigError(variable, `must be ${choices.join(', ')} (got “${value}”)`);
  return value as T;
}

function visibility(env: Environment, variable: string): Visibility {
  const text = env[variable]?.trim() || 'public';
  if (!isVisibility(text)) throw new ConfigError(variable, `must be one of ${visibilities.join(', ')} (got “${text}”)`);
  return text;
}

function upstreamsFrom(env: Environment, variable: string): Upstream[] {
  try {
    return env[variable]?.trim() ? parseUpstreamList(env[variable]!) : systemUpstreams();
  } catch (error) {
    if (!(error instanceof InvalidUpstreamError)) throw error;
    throw new ConfigError(variable, error.message);
  }
}

function profilesFrom(text: string | undefined): Map<string, Upstream[]> {
  const profiles = new Map<string, Upstream[]>();
  for (const entry of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9][a-z0-9_-]*)=(.+)$/i.exec(entry);
    if (!match) throw new ConfigError('DNS_PROFILES', `“${entry}” is not name=upstream[|upstream]`);
    try {
      profiles.set(match[1].toLowerCase(), parseUpstreamList(match[2]));
    } catch (error) {
      if (!(error instanceof InvalidUpstreamError)) throw error;
      throw new ConfigError('DNS_PROFILES', `${match[1]}: ${error.message}`);
    }
  }
  return profiles;
}

function forbiddenFrom(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [...defaultForbiddenNames];
  if (text.trim() === 'none') return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `addr` or `addr:port` (`[v6]:port`), comma-separated; each globally routable unless DNS_TRACE_ALLOW_PRIVATE says otherwise. */
function rootHintsFrom(text: string | undefined, allowPrivate: boolean): readonly NameServer[] {
  if (!text?.trim()) return ianaRootHints;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => rootHint(entry, allowPrivate));
}

function rootHint(entry: string, allowPrivate: boolean): NameServer {
  const problem = new ConfigError('DNS_ROOT_HINTS', `“${entry}” is not an address or address:port`);
  let hint: Upstream;
  try {
    hint = parseUpstream(entry);
  } catch {
    throw problem;
  }
  const address = hint.protocol === 'udp' && !/^udp:/i.test(entry) ? parseIpAddress(hint.host) : undefined;
  if (!address || hint.protocol !== 'udp') throw problem;
  const unroutable = unroutableReason(address);
  if (unroutable && !allowPrivate) {
    throw new ConfigError('DNS_ROOT_HINTS', `${entry} is ${unroutable}, where a trace never sends; set DNS_TRACE_ALLOW_PRIVATE=true for a private lab`);
  }
  return { address: hint.host, port: hint.port };
}
