import { LRUCache } from 'lru-cache';

/**
 * A token bucket per asker: `count` questions per `windowMs`, refilled
 * continuously. The first question without a token gets one short notice;
 * the next ones get silence until a token is back. At most `maxAskers` are
 * remembered (the least recently seen go first, with a full bucket), so a
 * public bot's memory stays bounded.
 */
export type RateDecision = 'answer' | 'notice' | 'silence';

interface Bucket {
  tokens: number;
  updatedAt: number;
  noticed: boolean;
}

export class AskerRateLimit {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(private readonly count: number, readonly windowMs: number, maxAskers = 10_000) {
    this.buckets = new LRUCache({ max: maxAskers });
  }

  decide(asker: string, now = Date.now()): RateDecision {
    const bucket = this.refilled(asker, now);
    this.buckets.set(asker, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.noticed = false;
      return 'answer';
    }
    if (bucket.noticed) return 'silence';
    bucket.noticed = true;
    return 'notice';
  }

  /** Seconds until `asker` may ask again. */
  retryAfterSeconds(asker: string, now = Date.now()): number {
    const { tokens } = this.refilled(asker, now);
    return Math.max(1, Math.ceil(((1 - Math.min(1, tokens)) * this.windowMs) / this.count / 1000));
  }

  private refilled(asker: string, now: number): Bucket {
    const bucket = this.buckets.get(asker) ?? { tokens: this.count, updatedAt: now, noticed: false };
    bucket.tokens = Math.min(this.count, bucket.tokens + ((now - bucket.updatedAt) * this.count) / this.windowMs);
    bucket.updatedAt = now;
    return bucket;
  }
}
