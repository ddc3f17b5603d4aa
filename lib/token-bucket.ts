import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `count` tokens per `windowMs`, refilled continuously. `take()` waits for a
 * token instead of refusing: the global limit slows the bot down under a
 * flood, it never drops a question.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly count: number, private readonly windowMs: number, private readonly now = () => Date.now()) {
    this.tokens = count;
    this.updatedAt = now();
  }

  take(): Promise<void> {
    // One waiter at a time, so tokens are handed out in arrival order.
    const turn = this.queue.then(() => this.takeInTurn());
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async takeInTurn(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) * this.windowMs) / this.count));
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.count, this.tokens + ((now - this.updatedAt) * this.count) / this.windowMs);
    this.updatedAt = now;
  }
}
