import type { MentionNotification } from '../fediverse/fediverse.ts';
import type { ProgressStorage } from './progress-store.ts';

const MAX_HANDLED = 2000;
/** Progress is written at most this often (and on stop): a crash in between costs nothing, as a repeated post is idempotent. */
const SAVE_INTERVAL_MS = 250;

/**
 * The mentions being answered, at most `maxInFlight` at once, in the order
 * the server listed them. It keeps the durable progress: the watermark moves
 * past a notification only when it and everything before it are answered,
 * so a crash loses nothing, and the ids answered recently are remembered so
 * that nothing is answered twice. Every step is O(1) (amortised), so a
 * backlog of thousands does not stall the worker.
 */
export class MentionQueue {
  /** Ids in the server's order from the watermark on; `order[orderHead]` is the oldest not yet passed. */
  private order: string[] = [];
  private orderHead = 0;
  private readonly inOrder = new Set<string>();
  private readonly done = new Set<string>();
  /** Answered ids the watermark has passed, oldest first: only these may be forgotten, never one still to be listed. */
  private readonly passed = new Set<string>();
  private readonly active = new Set<string>();
  private waiting: MentionNotification[] = [];
  private waitingHead = 0;
  /** When each waiting mention was queued; also the set of waiting ids. */
  private readonly enqueuedAt = new Map<string, number>();
  private readonly idle: (() => void)[] = [];
  private after: string | undefined;
  private afterCreatedAt: string | undefined;
  /** When the server created each notification in `order`, for the watermark's time. */
  private readonly createdAtOf = new Map<string, string>();
  private accepting = true;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ProgressStorage,
    /** `waitedMs`: how long the mention waited in the queue for a free slot. */
    private readonly handle: (notification: MentionNotification, waitedMs: number) => Promise<void>,
    private readonly maxInFlight: number,
  ) {
    const progress = store.load();
    this.after = progress.after;
    this.afterCreatedAt = progress.afterCreatedAt;
    for (const id of progress.handled) this.done.add(id);
  }

  /** The id after which the server should list notifications on catch-up. */
  get watermark(): string | undefined {
    return this.after;
  }

  /**
   * When the server created the watermark's notification, where known: a
   * notification created before it is behind the watermark, even where the
   * server no longer lists the watermark itself.
   */
  get watermarkCreatedAt(): string | undefined {
    return this.afterCreatedAt;
  }

  isKnown(id: string): boolean {
    return this.done.has(id) || this.active.has(id) || this.enqueuedAt.has(id);
  }

  enqueue(notification: MentionNotification): void {
    if (!this.accepting) return;
    if (this.done.has(notification.id)) {
      // Answered before a restart and listed again after the watermark: it takes its place in the order, so the watermark can pass it.
      if (!this.inOrder.has(notification.id) && !this.passed.has(notification.id)) {
        this.takePlace(notification);
        this.advance();
      }
      return;
    }
    if (this.isKnown(notification.id)) return;
    // A mention that failed before keeps its place in the order, holding the watermark before it.
    if (!this.inOrder.has(notification.id)) this.takePlace(notification);
    this.waiting.push(notification);
    this.enqueuedAt.set(notification.id, Date.now());
    this.pump();
  }

  /** Takes no new mentions; resolves when the ones in flight are answered (or failed) and the progress is written. */
  async stop(): Promise<void> {
    this.accepting = false;
    this.waiting = [];
    this.waitingHead = 0;
    this.enqueuedAt.clear();
    await this.settled();
    this.save();
  }

  settled(): Promise<void> {
    if (this.active.size === 0 && this.waitingCount() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private waitingCount(): number {
    return this.waiting.length - this.waitingHead;
  }

  private pump(): void {
    while (this.active.size < this.maxInFlight && this.waitingCount() > 0) {
      const notification = this.waiting[this.waitingHead++];
      if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.waitingHead);
        this.waitingHead = 0;
      }
      const waitedMs = Date.now() - (this.enqueuedAt.get(notification.id) ?? Date.now());
      this.enqueuedAt.delete(notification.id);
      this.active.add(notification.id);
      void this.run(notification, waitedMs);
    }
    if (this.active.size === 0 && this.waitingCount() === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private async run(notification: MentionNotification, waitedMs: number): Promise<void> {
    try {
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

  private takePlace(notification: MentionNotification): void {
    this.inOrder.add(notification.id);
    this.order.push(notification.id);
    if (notification.createdAt) this.createdAtOf.set(notification.id, notification.createdAt);
  }

  private advance(): void {
    while (this.orderHead < this.order.length && this.done.has(this.order[this.orderHead])) {
      this.after = this.order[this.orderHead++];
      this.afterCreatedAt = this.createdAtOf.get(this.after);
      this.createdAtOf.delete(this.after);
      this.inOrder.delete(this.after);
      this.passed.add(this.after);
    }
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order = this.order.slice(this.orderHead);
      this.orderHead = 0;
    }
    // The newest answered ids are kept even below the watermark, in case a server lists one again; a Set iterates oldest first.
    for (const id of this.passed) {
      if (this.done.size <= MAX_HANDLED) break;
      this.passed.delete(id);
      this.done.delete(id);
    }
    this.saveTimer ??= setTimeout(() => this.save(), SAVE_INTERVAL_MS);
  }

  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.store.save({ after: this.after, afterCreatedAt: this.afterCreatedAt, handled: [...this.done] });
  }
}
