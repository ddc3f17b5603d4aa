import type { MentionNotification } from './fediverse.ts';
import type { ProgressStore } from './progress-store.ts';

const MAX_HANDLED = 2000;

/**
 * The mentions being answered, at most `maxInFlight` at once, in the order
 * the server listed them. It keeps the durable progress: the watermark moves
 * past a notification only when it and everything before it are answered,
 * so a crash loses nothing, and the ids answered beyond it are remembered so
 * that nothing is answered twice.
 */
export class MentionQueue {
  private readonly order: string[] = [];
  private readonly done = new Set<string>();
  private readonly active = new Set<string>();
  private readonly waiting: MentionNotification[] = [];
  private readonly enqueuedAt = new Map<string, number>();
  private readonly idle: (() => void)[] = [];
  private after: string | undefined;
  private accepting = true;

  constructor(
    private readonly store: ProgressStore,
    /** `waitedMs`: how long the mention waited in the queue for a free slot. */
    private readonly handle: (notification: MentionNotification, waitedMs: number) => Promise<void>,
    private readonly maxInFlight: number,
  ) {
    const progress = store.load();
    this.after = progress.after;
    for (const id of progress.handled) this.done.add(id);
  }

  /** The id after which the server should list notifications on catch-up. */
  get watermark(): string | undefined {
    return this.after;
  }

  isKnown(id: string): boolean {
    return this.done.has(id) || this.active.has(id) || this.waiting.some((n) => n.id === id);
  }

  enqueue(notification: MentionNotification): void {
    if (!this.accepting || this.isKnown(notification.id)) return;
    // A mention that failed before keeps its place in the order, holding the watermark before it.
    if (!this.order.includes(notification.id)) this.order.push(notification.id);
    this.waiting.push(notification);
    this.enqueuedAt.set(notification.id, Date.now());
    this.pump();
  }

  /** Takes no new mentions; resolves when the ones in flight are answered (or failed). */
  async stop(): Promise<void> {
    this.accepting = false;
    for (const notification of this.waiting.splice(0)) this.enqueuedAt.delete(notification.id);
    await this.settled();
  }

  settled(): Promise<void> {
    if (this.active.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active.size < this.maxInFlight && this.waiting.length) {
      const notification = this.waiting.shift()!;
      this.active.add(notification.id);
      void this.run(notification);
    }
    if (this.active.size === 0 && this.waiting.length === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private async run(notification: MentionNotification): Promise<void> {
    try {
      const waitedMs = Date.now() - (this.enqueuedAt.get(notification.id) ?? Date.now());
      this.enqueuedAt.delete(notification.id);
      await this.handle(notification, waitedMs);
      this.done.add(notification.id);
      this.advance();
    } catch {
      // Not marked done: the watermark stays before it and the next catch-up lists it again.
    } finally {
      this.active.delete(notification.id);
      this.pump();
    }
  }

  private advance(): void {
    while (this.order.length && this.done.has(this.order[0])) {
      this.after = this.order.shift();
    }
    // The newest answered ids are kept even below the watermark, in case a server lists one again.
    for (const id of this.done) {
      if (this.done.size <= MAX_HANDLED) break;
      if (!this.order.includes(id)) this.done.delete(id);
    }
    this.store.save({ after: this.after, handled: [...this.done] });
  }
}
