/**
 * Catch-up after a restart, against listings that page as real servers do:
 * whatever a server makes of min_id or since_id, the listener pages with
 * max_id down to the watermark, so no backlog size loses a mention.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { MentionNotification } from '../../lib/fediverse/fediverse.ts';
import { MentionQueue } from '../../lib/mentions/queue.ts';
import { NotificationListener, type MentionSource } from '../../lib/mentions/listener.ts';
import { ProgressStore } from '../../lib/mentions/progress-store.ts';
import { silentLogger } from '../../lib/ops/logger.ts';
import { recordingLogger } from '../testkit/bot/log-events.ts';
import { testFolders } from '../testkit/temporary-folder.ts';

const folders = testFolders();
after(folders.removeAll);

/** A server's notifications, oldest first; pages of at most `cap` newest first, with opaque ids in the server's order. No stream. */
class ListingServer implements MentionSource {
  readonly notifications: MentionNotification[] = [];
  readonly requests: { before?: string }[] = [];
  private created = 0;
  constructor(private readonly cap = 40) {}

  add(count: number): MentionNotification[] {
    const added = Array.from({ length: count }, () => {
      const n = this.created++;
      // Ids that sort neither as numbers nor as strings, like Hollo's and Sharkey's.
      return { id: `n-${(n * 7919) % 100_003}-${n}`, type: 'mention', createdAt: new Date(Date.UTC(2026, 10, 30) + n * 1000).toISOString() };
    });
    this.notifications.push(...added);
    return added;
  }

  async mentions(page: { before?: string }, limit: number): Promise<MentionNotification[]> {
    this.requests.push(page);
    const end = page.before === undefined ? this.notifications.length : this.notifications.findIndex((n) => n.id === page.before);
    return this.notifications.slice(Math.max(0, end - Math.min(limit, this.cap)), end).reverse();
  }

  async streamNotifications(): Promise<void> {
    throw new Error('this server has no streaming API: the listener polls it');
  }
}

async function runUntilIdle(server: ListingServer, state: string, answered: string[], logger = silentLogger()): Promise<void> {
  const queue = new MentionQueue(new ProgressStore(state), async (n) => void answered.push(n.id), 4);
  const listener = new NotificationListener({
    fediverse: server,
    queue,
    streaming: false,
    pollIntervalMs: 10,
    heartbeat: () => {},
    logger,
  });
  const stop = new AbortController();
  const running = listener.run(stop.signal);
  // Two polls after the last answer: long enough for a catch-up to list anything it would.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await queue.settled();
  await new Promise((resolve) => setTimeout(resolve, 50));
  stop.abort();
  await running;
  await queue.stop();
}

describe('catch-up after a restart', () => {
  for (const backlog of [1, 39, 40, 41, 500]) {
    for (const cap of [40, 20, 10]) {
      it(`answers a backlog of ${backlog} once each, oldest first, where pages hold ${cap}`, async () => {
        const state = folders.make('fedidig-catch-up-');
        const server = new ListingServer(cap);
        const answered: string[] = [];
        server.add(3);
        await runUntilIdle(server, state, answered);
        assert.equal(answered.length, 3);
        const waiting = server.add(backlog).map((n) => n.id);
        await runUntilIdle(server, state, answered);
        assert.deepEqual(answered.slice(3), waiting, 'each answered once, oldest first');
      });
    }
  }

  it('stops at the watermark’s time where the server no longer lists the watermark', async () => {
    const state = folders.make('fedidig-catch-up-');
    const server = new ListingServer();
    const answered: string[] = [];
    server.add(100);
    await runUntilIdle(server, state, answered);
    assert.equal(answered.length, 100);
    // The watermark's notification is gone (dismissed, or past Sharkey's 500): older ones are still listed.
    server.notifications.splice(99, 1);
    const waiting = server.add(5).map((n) => n.id);
    server.requests.length = 0;
    await runUntilIdle(server, state, answered);
    assert.deepEqual(answered.slice(100), waiting);
    assert.ok(
      server.requests.every((r) => r.before === undefined),
      'one page was enough: the walk stopped at the first older notification',
    );
  });

  it('logs a catch-up event when a listing finds new mentions, and only then', async () => {
    const state = folders.make('fedidig-catch-up-');
    const server = new ListingServer();
    const answered: string[] = [];
    const { logger, named } = recordingLogger();
    server.add(5);
    await runUntilIdle(server, state, answered, logger);
    server.add(3);
    await runUntilIdle(server, state, answered, logger);
    assert.deepEqual(
      named('catch-up').map((e) => [e.queued, e.firstStart ?? false, e.reachedWatermark ?? null, e.component]),
      [
        [5, true, null, 'listener'],
        [3, false, true, 'listener'],
      ],
    );
  });
});
