import { setTimeout as sleep } from 'node:timers/promises';
import type { Fediverse, MentionNotification } from './fediverse.ts';
import type { MentionQueue } from './mention-queue.ts';
import { withServerRetries } from './server-retry.ts';

export interface ListenerOptions {
  readonly fediverse: Fediverse;
  readonly queue: MentionQueue;
  /** Stream when the instance has a streaming API, or always poll. */
  readonly streaming: boolean;
  readonly pollIntervalMs: number;
  /** Called while the bot is really connected: on stream traffic and after each successful poll. */
  readonly heartbeat: () => void;
  readonly log: (message: string) => void;
}

const PAGE = 40;

/**
 * Feeds the queue from the server. On every start and every reconnection it
 * first catches up with what arrived while it was away (listing the mention
 * notifications after the durable watermark with the server's own min_id
 * pagination), then follows the stream, or polls where there is none.
 */
export class NotificationListener {
  private connectedSince: Date | undefined;
  private disconnectedSince = new Date();

  constructor(private readonly options: ListenerOptions) {}

  /** Whether the server is reachable now, for /healthz. */
  get connection(): { readonly connected: boolean; readonly since: Date } {
    return this.connectedSince ? { connected: true, since: this.connectedSince } : { connected: false, since: this.disconnectedSince };
  }

  private setConnected(connected: boolean): void {
    if (connected && !this.connectedSince) this.connectedSince = new Date();
    if (!connected && this.connectedSince) {
      this.connectedSince = undefined;
      this.disconnectedSince = new Date();
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.options.streaming) await this.streamOnce(signal);
        else await this.pollOnce(signal);
        failures = 0;
      } catch (error) {
        this.setConnected(false);
        if (signal.aborted) break;
        failures++;
        const wait = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        this.options.log(`listener: ${(error as Error).message}; again in ${wait} ms`);
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
      signal,
    );
    await Promise.race([open, stream]);
    this.setConnected(true);
    this.options.log('stream: connected');
    await this.catchUp(signal);
    for (const notification of held) this.options.queue.enqueue(notification);
    held = undefined;
    await stream;
    throw new Error('stream closed');
  }

  private async catchUp(signal: AbortSignal): Promise<void> {
    let cursor = this.options.queue.watermark;
    for (;;) {
      const page = await withServerRetries(() => this.options.fediverse.mentionsAfter(cursor, PAGE), { signal });
      if (page.length === 0) return;
      // The server lists newest first; answer oldest first.
      for (const notification of [...page].reverse()) this.options.queue.enqueue(notification);
      cursor = page[0].id;
      if (page.length < PAGE) return;
    }
  }
}
