import { setTimeout as sleep } from 'node:timers/promises';
import { RateBuckets } from './rate-buckets.ts';

/**
 * One bucket of `count` tokens per `windowMs` whose `take()` waits for a
 * token instead of refusing: the global limit slows the bot down under a
 * flood, it never drops a question.
 */
export class TokenBucket {
  private readonly bucket: RateBuckets;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    count: number,
    windowMs: number,
    private readonly now = () => Date.now(),
  ) {
    this.bucket = new RateBuckets(count, windowMs, 1);
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
