import { LRUCache } from 'lru-cache';
import type { DnsQuestion, DnsRecord, DnsResponse, Resolver } from './resolver.ts';

export interface CachingResolverOptions {
  /** How many answers the cache holds at most; the least recently used go first. */
  readonly maxEntries: number;
  /** Longest time in seconds a positive answer is kept, whatever its TTL says. */
  readonly maxTtlSeconds: number;
  /** Longest time in seconds an NXDOMAIN or NODATA answer is kept (RFC 2308 §5 suggests hours; a looking glass wants fresh news). */
  readonly maxNegativeTtlSeconds: number;
  /** Milliseconds on a monotonic clock; tests pass their own to move time without sleeping. */
  readonly now?: () => number;
}

export interface CacheStats {
  /** Lookups answered from the cache. */
  readonly hits: number;
  /** Lookups that joined an identical lookup already on its way to the upstream. */
  readonly coalesced: number;
  /** Lookups that went to the upstream. */
  readonly misses: number;
  /** Share of lookups the upstream did not see (hits and coalesced), 0 to 1; 0 before the first lookup. */
  readonly hitRate: number;
  /** Answers in the cache now. */
  readonly size: number;
}

/** A cache setting out of range; thrown by the constructor. */
export class CacheOptionsError extends RangeError {
  override readonly name = 'CacheOptionsError';
}

interface Entry {
  readonly response: DnsResponse;
  readonly storedAt: number;
  readonly expiresAt: number;
}

const RCODE_NOERROR = 0;
const RCODE_NXDOMAIN = 3;
const TYPE_SOA = 6;
const TYPE_ANY = 255;

/**
 * Keeps answers of another resolver for as long as their TTLs allow (capped),
 * so that a post that goes viral does not turn into a flood of identical
 * queries upstream. Identical lookups in flight share one upstream query.
 * Only NOERROR and NXDOMAIN answers are kept: SERVFAIL, REFUSED, timeouts and
 * network errors say something about this moment, and the next asker
 * deserves a new try.
 */
export class CachingResolver implements Resolver {
  readonly upstreams: readonly string[];
  private readonly cache: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, Promise<DnsResponse>>();
  private readonly now: () => number;
  private hits = 0;
  private coalesced = 0;
  private misses = 0;

  constructor(
    private readonly inner: Resolver,
    private readonly options: CachingResolverOptions,
  ) {
    for (const key of ['maxEntries', 'maxTtlSeconds', 'maxNegativeTtlSeconds'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) throw new CacheOptionsError(`${key} must be a whole number of at least 1 (got ${options[key]})`);
    }
    this.upstreams = inner.upstreams;
    this.now = options.now ?? (() => performance.now());
    // Expiry is kept here rather than with lru-cache's ttl, so that it follows `now` exactly, an injected clock included.
    this.cache = new LRUCache<string, Entry>({ max: options.maxEntries });
  }

  async resolve(question: DnsQuestion, signal?: AbortSignal): Promise<DnsResponse> {
    signal?.throwIfAborted();
    // +tcp and +nsid ask about the exchange itself (the transport, the instance that answers): a kept answer would tell of another one.
    if (question.options?.tcp || question.options?.nsid) {
      this.misses++;
      return this.inner.resolve(question, signal);
    }
    const key = this.keyOf(question);
    const entry = this.fresh(key);
    if (entry) {
      this.hits++;
      return this.fromCache(entry, question);
    }
    let pending = this.inFlight.get(key);
    if (pending) this.coalesced++;
    else {
      this.misses++;
      pending = this.askUpstream(key, question);
    }
    // The asker's question, not the first asker's spelling of it.
    return { ...(await untilAborted(pending, signal)), question };
  }

  stats(): CacheStats {
    // Expired answers stay in the LRU until touched or pushed out; they are not part of what the cache holds.
    const now = this.now();
    for (const [key, entry] of [...this.cache.entries()]) if (now >= entry.expiresAt) this.cache.delete(key);
    const lookups = this.hits + this.coalesced + this.misses;
    return {
      hits: this.hits,
      coalesced: this.coalesced,
      misses: this.misses,
      hitRate: lookups ? (this.hits + this.coalesced) / lookups : 0,
      size: this.cache.size,
    };
  }

  /** The entry for `key` if it has not expired (and then it counts as recently used); an expired one is dropped. */
  private fresh(key: string): Entry | undefined {
    const entry = this.cache.peek(key);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.cache.delete(key);
      return undefined;
    }
    return this.cache.get(key);
  }

  private keyOf(question: DnsQuestion): string {
    // The upstreams are part of the key: through another resolver (a profile, split horizon) the same name may answer differently.
    // So are DO, CD and the IP version: they change what comes back, or from where.
    const { dnssecRecords, checkingDisabled, family } = question.options ?? {};
    return `${this.upstreams.join(',')} ${question.name.toLowerCase()} ${question.type} ${dnssecRecords ? 'do' : ''} ${checkingDisabled ? 'cd' : ''} ${family ?? ''}`;
  }

  /**
   * Asks the upstream once for everyone waiting on `key`. The query does not
   * take any asker's signal: one asker giving up must not fail the others,
   * and the inner resolver's own timeouts bound it.
   */
  private askUpstream(key: string, question: DnsQuestion): Promise<DnsResponse> {
    const pending = this.inner.resolve(question).then((response) => {
      const ttl = cacheTtlSeconds(response, this.options);
      const storedAt = this.now();
      if (ttl > 0) this.cache.set(key, { response, storedAt, expiresAt: storedAt + ttl * 1000 });
      return response;
    });
    this.inFlight.set(key, pending);
    const forget = () => this.inFlight.delete(key);
    pending.then(forget, forget);
    return pending;
  }

  private fromCache(entry: Entry, question: DnsQuestion): DnsResponse {
    const age = Math.floor((this.now() - entry.storedAt) / 1000);
    const aged = (record: DnsRecord): DnsRecord => ({ ...record, ttl: Math.max(0, record.ttl - age) });
    return {
      ...entry.response,
      question,
      answers: entry.response.answers.map(aged),
      authorities: entry.response.authorities.map(aged),
      additionals: entry.response.additionals.map(aged),
      // Nothing was asked: the time is the cache's, not the upstream's.
      elapsedMs: 0,
      cached: true,
    };
  }
}

/**
 * How long `response` may be kept, in whole seconds; 0 = not at all. A
 * positive answer lives as long as its shortest record; a negative one (or
 * the NODATA end of a CNAME chain) as long as its SOA says (RFC 2308 §5: the
 * smaller of the SOA's TTL and its MINIMUM field), and not at all without a
 * SOA.
 */
export function cacheTtlSeconds(response: DnsResponse, limits: Pick<CachingResolverOptions, 'maxTtlSeconds' | 'maxNegativeTtlSeconds'>): number {
  if (response.rcode !== RCODE_NOERROR && response.rcode !== RCODE_NXDOMAIN) return 0;
  const type = response.question.type;
  const negative = response.rcode === RCODE_NXDOMAIN || !response.answers.some((r) => r.type === type || type === TYPE_ANY);
  const ttls = [limits.maxTtlSeconds, ...response.answers.map((r) => r.ttl)];
  if (negative) {
    const soa = response.authorities.find((r) => r.type === TYPE_SOA);
    // A SOA whose RDATA could not be decoded has no MINIMUM to go by.
    if (soa?.rdata.kind !== 'soa') return 0;
    ttls.push(soa.ttl, soa.rdata.minimum, limits.maxNegativeTtlSeconds);
  }
  return Math.max(0, Math.min(...ttls));
}

/** `promise`, or the signal's reason as soon as it aborts; the promise itself goes on for the others. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
