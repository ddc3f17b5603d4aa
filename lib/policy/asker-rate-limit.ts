import { LRUCache } from 'lru-cache';
import { TokenBuckets } from './token-buckets.ts';

/**
 * `count` questions per asker per `windowMs` (a token bucket each); an
 * answer that costs more (a trace) counts as several questions. The
 * first question without a token gets one short notice; the next ones get
 * silence until a token is back. At most `maxAskers` are remembered, so a
 * public bot's memory stays bounded; a forgotten asker has a full bucket.
 */
export type RateDecision = 'answer' | 'notice' | 'silence';

export class AskerRateLimit {
  private readonly buckets: TokenBuckets;
  private readonly noticed: LRUCache<string, true>;

  constructor(
    count: number,
    readonly windowMs: number,
    maxAskers = 10_000,
  ) {
    this.buckets = new TokenBuckets(count, windowMs, maxAskers);
    this.noticed = new LRUCache({ max: maxAskers });
  }

  decide(asker: string, now = Date.now(), cost = 1): RateDecision {
    if (this.buckets.take(asker, now, cost) === 0) {
      this.noticed.delete(asker);
      return 'answer';
    }
    if (this.noticed.has(asker)) return 'silence';
    this.noticed.set(asker, true);
    return 'notice';
  }

  /** Charges `asker` what a question cost beyond what `decide` took for it; the next question waits for it. */
  charge(asker: string, now = Date.now(), cost = 1): void {
    if (cost > 0) this.buckets.spend(asker, now, cost);
  }

  /** Seconds until `asker` may ask again something that costs `cost`. */
  retryAfterSeconds(asker: string, now = Date.now(), cost = 1): number {
    return Math.max(1, Math.ceil(this.buckets.waitMs(asker, now, cost) / 1000));
  }
}
