import { LRUCache } from 'lru-cache';

/**
 * A token bucket per key: `count` tokens, refilled continuously at `count`
 * per `windowMs`. At most `maxKeys` buckets are kept (the least recently
 * used go first); a bucket left alone for two windows is full again, even
 * from a whole bucket of debt (spend), the same as none, so the cache may
 * forget it then. The per-asker limit, the
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
    this.buckets = new LRUCache({ max: maxKeys, ttl: Math.ceil(windowMs * 2) });
  }

  /**
   * Takes `cost` tokens for `key`: 0 when it had them, else the milliseconds
   * until it has. A cost above the bucket's size is the whole bucket, so that
   * nothing costs more than can ever be paid.
   */
  take(key: string, now = Date.now(), cost = 1): number {
    const needed = Math.min(cost, this.count);
    const tokens = this.tokensAt(key, now);
    if (tokens < needed) return this.msUntil(tokens, needed);
    this.buckets.set(key, { tokens: tokens - needed, at: now });
    return 0;
  }

  /**
   * Takes what is left of `cost` tokens, as much as `key` has: for a cost
   * known only once the work is done (the queries a trace made), which the
   * next question then waits for.
   */
  spend(key: string, now = Date.now(), cost = 1): void {
    // A debt down to a whole bucket: a trace of 60 queries is not paid for by waiting for 3 tokens.
    this.buckets.set(key, { tokens: Math.max(-this.count, this.tokensAt(key, now) - Math.min(cost, this.count)), at: now });
  }

  /** Milliseconds until `key` has `cost` tokens, without taking them. */
  waitMs(key: string, now = Date.now(), cost = 1): number {
    const needed = Math.min(cost, this.count);
    const tokens = this.tokensAt(key, now);
    return tokens < needed ? this.msUntil(tokens, needed) : 0;
  }

  private tokensAt(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    return bucket ? Math.min(this.count, bucket.tokens + (now - bucket.at) * this.perMs) : this.count;
  }

  private msUntil(tokens: number, needed: number): number {
    return Math.ceil((needed - tokens) / this.perMs);
  }
}
