import { LRUCache } from 'lru-cache';

/**
 * A token bucket per key: `count` tokens, refilled continuously at `count`
 * per `windowMs`. At most `maxKeys` buckets are kept (the least recently
 * used go first); a bucket left alone for a whole window is full again, the
 * same as none, so the cache may forget it then. The per-asker limit, the
 * global limit and the HTTP twin's per-client limit all count with this.
 */
export class TokenBuckets {
  private readonly buckets: LRUCache<string, { readonly tokens: number; readonly at: number }>;
  private readonly perMs: number;

  constructor(
    private readonly count: number,
    windowMs: number,
    maxKeys = 10_000,
  ) {
    this.perMs = count / windowMs;
    this.buckets = new LRUCache({ max: maxKeys, ttl: Math.ceil(windowMs) });
  }

  /**
   * Takes `wanted` tokens for `key` (one question that counts as several):
   * 0 when there were enough, else the milliseconds until there are. More
   * than a full bucket is taken as a full bucket, so that no question is
   * too dear to ever be answered.
   */
  take(key: string, now = Date.now(), wanted = 1): number {
    const tokens = this.tokensAt(key, now);
    const cost = Math.min(wanted, this.count);
    if (tokens < cost) return this.msUntil(cost, tokens);
    this.buckets.set(key, { tokens: tokens - cost, at: now });
    return 0;
  }

  /** Milliseconds until `key` has a token, without taking one. */
  waitMs(key: string, now = Date.now()): number {
    const tokens = this.tokensAt(key, now);
    return tokens < 1 ? this.msUntil(1, tokens) : 0;
  }

  private tokensAt(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    return bucket ? Math.min(this.count, bucket.tokens + (now - bucket.at) * this.perMs) : this.count;
  }

  private msUntil(wanted: number, tokens: number): number {
    return Math.ceil((wanted - tokens) / this.perMs);
  }
}
