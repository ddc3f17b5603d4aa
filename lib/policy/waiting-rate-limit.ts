import { setTimeout as sleep } from 'node:timers/promises';
import { TokenBuckets } from './token-buckets.ts';

/**
 * A rate limit of `count` per `windowMs` (one token bucket) whose `take()`
 * waits for a token instead of refusing: the global limit slows the bot
 * down under a flood, it never drops a question.
 */
export class WaitingRateLimit {
  private readonly bucket: TokenBuckets;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    count: number,
    windowMs: number,
    private readonly now = () => Date.now(),
  ) {
    this.bucket = new TokenBuckets(count, windowMs, 1);
  }

  take(): Promise<void> {
    // One waiter at a time, so tokens are handed out in arrival order.
    const turn = this.queue.then(() => this.takeInTurn());
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async takeInTurn(): Promise<void> {
    for (let waitMs = this.bucket.take('', this.now()); waitMs > 0; waitMs = this.bucket.take('', this.now())) await sleep(waitMs);
  }
}
