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

  /** Takes a token for `key`: 0 when there was one, else the milliseconds until there is. */
  take(key: string, now = Date.now()): number {
    const tokens = this.tokensAt(key, now);
    if (tokens < 1) return this.msUntilOne(tokens);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return 0;
  }

  /** Milliseconds until `key` has a token, without taking one. */
  waitMs(key: string, now = Date.now()): number {
    const tokens = this.tokensAt(key, now);
    return tokens < 1 ? this.msUntilOne(tokens) : 0;
  }

  private tokensAt(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    return bucket ? Math.min(this.count, bucket.tokens + (now - bucket.at) * this.perMs) : this.count;
  }

  private msUntilOne(tokens: number): number {
    return Math.ceil((1 - tokens) / this.perMs);
  }
}
