import { setTimeout as sleep } from 'node:timers/promises';
import type { Fediverse, MentionNotification } from '../fediverse/fediverse.ts';
import type { MentionQueue } from './queue.ts';
import { withServerRetries } from '../fediverse/server-retry.ts';
import { StreamClosedError } from '../fediverse/errors.ts';
import type { Logger } from '../ops/logger.ts';
import { errorFields } from '../ops/error-fields.ts';

/** What the listener asks of the server: pages of mentions, and their stream. */
export type MentionSource = Pick<Fediverse, 'mentions' | 'streamNotifications'>;

export interface ListenerOptions {
  readonly fediverse: MentionSource;
  readonly queue: MentionQueue;
  /** Stream when the instance has a streaming API, or always poll. */
  readonly streaming: boolean;
  readonly pollIntervalMs: number;
  /** Called while the bot is really connected: on stream traffic and after each successful poll. */
  readonly heartbeat: () => void;
  /** Events go to its child `{ component: 'listener' }`. */
  readonly logger: Logger;
}

const PAGE = 40;
const FIRST_START_LIMIT = 200;
/** A gap this long is cut short, in case neither the watermark nor its time can be found in the listing. */
const MAX_GAP = 10_000;
/** Long enough for a stream's subscription to take effect on the server after the socket opened. */
const SUBSCRIPTION_SETTLE_MS = 3000;

/**
 * Feeds the queue from the server. On every start and every reconnection it
 * first catches up with what arrived while it was away (listing the mention
 * notifications back to the durable watermark), then follows the stream,
 * or polls where there is none.
 */
export class NotificationListener {
  private connectedSince: Date | undefined;
  /** Failures since the last good connection, for the reconnection backoff. */
  private failures = 0;
  private running: AbortSignal | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private disconnectedSince = new Date();
  private readonly log: Logger;

  constructor(private readonly options: ListenerOptions) {
    this.log = options.logger.child({ component: 'listener' });
  }

  /** Whether the server is reachable now, for /healthz. */
  get connection(): { readonly connected: boolean; readonly since: Date } {
    return this.connectedSince ? { connected: true, since: this.connectedSince } : { connected: false, since: this.disconnectedSince };
  }

  /** Connected and caught up: the next reconnection waits the shortest time again. */
  private setConnected(connected: boolean): void {
    if (connected) this.failures = 0;
    if (connected && !this.connectedSince) this.connectedSince = new Date();
    if (!connected && this.connectedSince) {
      this.connectedSince = undefined;
      this.disconnectedSince = new Date();
    }
  }

  /**
   * A mention failed for now (the server kept failing through every retry): list again after `delayMs`,
   * so that it is retried without waiting for the stream to drop. One such timer at a time.
   */
  catchUpSoon(delayMs: number): void {
    const signal = this.running;
    if (!signal || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!signal.aborted)
        this.catchUp(signal).catch((error: unknown) =>
          this.log.warn({ event: 'catch-up-failed', ...errorFields(error) }, 'catch-up for a failed mention failed'),
        );
    }, delayMs);
    this.retryTimer.unref();
  }

  async run(signal: AbortSignal): Promise<void> {
    this.running = signal;
    signal.addEventListener('abort', () => clearTimeout(this.retryTimer));
    while (!signal.aborted) {
      try {
        if (this.options.streaming) await this.streamOnce(signal);
        else await this.pollOnce(signal);
      } catch (error) {
        this.setConnected(false);
        if (signal.aborted) break;
        this.failures++;
        const wait = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
        const fields = errorFields(error);
        if (error instanceof StreamClosedError) this.log.info({ event: 'stream-closed', silentMs: error.silentMs }, error.message);
        this.log.warn({ event: 'listener-retry', ...fields, waitMs: wait, failures: this.failures }, `listener: ${fields.error}; again in ${wait} ms`);
        await sleep(wait, undefined, { signal }).catch(() => {});
      }
    }
  }

  private async pollOnce(signal: AbortSignal): Promise<void> {
    await this.catchUp(signal);
    this.setConnected(true);
    this.options.heartbeat();
    await sleep(this.options.pollIntervalMs, undefined, { signal }).catch(() => {});
  }

  private async streamOnce(signal: AbortSignal): Promise<void> {
    // Mentions streamed while catching up wait until it is done, so the queue sees them in the server's order.
    let held: MentionNotification[] | undefined = [];
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    // The stream has a signal of its own, so that a failed catch-up closes it instead of leaving it open and beating.
    const streamStop = new AbortController();
    const streamSignal = AbortSignal.any([signal, streamStop.signal]);
    const stream = this.options.fediverse.streamNotifications(
      {
        onOpen: () => opened(),
        onAlive: () => this.options.heartbeat(),
        onNotification: (notification) => {
          if (notification.type !== 'mention') return;
          if (held) held.push(notification);
          else this.options.queue.enqueue(notification);
        },
      },
      streamSignal,
    );
    try {
      await Promise.race([open, stream]);
      this.log.info({ event: 'stream-connected' }, 'stream: connected');
      await this.catchUp(signal);
    } catch (error) {
      streamStop.abort();
      await stream.catch(() => {});
      throw error;
    }
    this.setConnected(true);
    for (const notification of held) this.options.queue.enqueue(notification);
    held = undefined;
    // The socket is open before the server's subscription is (Mastodon subscribes to Redis, masto sends the
    // subscribe message after 'open'): a mention made after the catch-up's listing and before that is in neither.
    this.catchUpSoon(SUBSCRIPTION_SETTLE_MS);
    await stream;
    throw new Error('stream closed');
  }

  /**
   * Lists every mention after the watermark and queues them oldest first.
   * Pages go from the newest down (max_id), the one cursor every server
   * implements alike, until the watermark, or a notification created before
   * it (where the server no longer lists the watermark itself). Nothing is
   * queued before the whole gap is listed: queuing a newer page first would
   * let the watermark pass the older ones unseen.
   */
  private async catchUp(signal: AbortSignal): Promise<void> {
    const list = (page: { before?: string }) => withServerRetries(() => this.options.fediverse.mentions(page, PAGE), { signal });
    const { watermark, watermarkCreatedAt } = this.options.queue;
    if (watermark === undefined) {
      await this.firstCatchUp(list);
      return;
    }
    const since = watermarkCreatedAt === undefined ? Number.NaN : Date.parse(watermarkCreatedAt);
    const behind = (notification: MentionNotification) => notification.id === watermark || Date.parse(notification.createdAt ?? '') < since;
    const gap: MentionNotification[] = [];
    let reachedWatermark = true;
    for (let before: string | undefined; ; ) {
      const page = await list({ before });
      const reached = page.findIndex(behind);
      gap.push(...(reached < 0 ? page : page.slice(0, reached)));
      if (page.length === 0 || reached >= 0) break;
      if (gap.length >= MAX_GAP) {
        reachedWatermark = false;
        break;
      }
      before = page.at(-1)!.id;
    }
    gap.reverse();
    const queued = this.newOf(gap);
    if (!reachedWatermark)
      this.log.warn(
        { event: 'catch-up', listed: gap.length, queued, watermark, reachedWatermark },
        `catch-up: ${gap.length} mentions listed without reaching the watermark ${watermark}; answering those`,
      );
    else if (queued > 0)
      this.log.info({ event: 'catch-up', listed: gap.length, queued, watermark, reachedWatermark }, `catch-up: ${queued} new mention(s) since the watermark`);
    for (const notification of gap) this.options.queue.enqueue(notification);
  }

  /** How many of these the queue does not know yet: a listing also shows those in flight, and those answered above the watermark. */
  private newOf(notifications: readonly MentionNotification[]): number {
    return notifications.filter((notification) => !this.options.queue.isKnown(notification.id)).length;
  }

  /**
   * The first start has no watermark: the mentions already there are listed
   * backwards (max_id) up to FIRST_START_LIMIT and answered oldest first, so
   * that questions asked before the bot first ran are not lost, but a bot
   * account with years of mentions does not answer them all. The watermark
   * follows as they are answered.
   */
  private async firstCatchUp(list: (page: { before?: string }) => Promise<MentionNotification[]>): Promise<void> {
    const found: MentionNotification[] = [];
    for (let before: string | undefined; found.length < FIRST_START_LIMIT; ) {
      const page = await list({ before });
      found.push(...page);
      if (page.length < PAGE) break;
      before = page.at(-1)!.id;
    }
    const answering = found.slice(0, FIRST_START_LIMIT).reverse();
    const queued = this.newOf(answering);
    if (found.length >= FIRST_START_LIMIT)
      this.log.warn(
        { event: 'catch-up', listed: found.length, queued, firstStart: true, leftUnanswered: true },
        `first start: answering the newest ${FIRST_START_LIMIT} mentions; older ones are left unanswered`,
      );
    else if (queued > 0)
      this.log.info({ event: 'catch-up', listed: found.length, queued, firstStart: true }, `first start: ${queued} mention(s) already there`);
    for (const notification of answering) this.options.queue.enqueue(notification);
  }
}
