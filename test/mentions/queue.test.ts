import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { MentionNotification } from '../../lib/fediverse/fediverse.ts';
import { MentionQueue } from '../../lib/mentions/queue.ts';
import { ProgressStore } from '../../lib/mentions/progress-store.ts';
import { testFolders } from '../testkit/temporary-folder.ts';

const mention = (id: string): MentionNotification => ({ id, type: 'mention' });
const folders = testFolders();
const store = () => new ProgressStore(folders.make('fedidig-queue-'));
after(folders.removeAll);

describe('MentionQueue', () => {
  it('moves the watermark only past mentions answered together with all before them', async () => {
    const progress = store();
    const release = new Map<string, () => void>();
    const queue = new MentionQueue(progress, (n) => new Promise<void>((resolve) => release.set(n.id, resolve)), 4);
    // Ids in the server's order, deliberately not in numeric or string order.
    for (const id of ['9', '10', 'b', 'a']) queue.enqueue(mention(id));
    release.get('10')!();
    release.get('a')!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(queue.watermark, undefined);
    release.get('9')!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(queue.watermark, '10');
    release.get('b')!();
    await queue.settled();
    await queue.stop();
    assert.deepEqual(progress.load(), { after: 'a', handled: ['10', 'a', '9', 'b'] });
  });

  it('answers nothing twice, across a restart too', async () => {
    const progress = store();
    const answered: string[] = [];
    const first = new MentionQueue(progress, async (n) => void answered.push(n.id), 2);
    for (const id of ['1', '2', '2', '3']) first.enqueue(mention(id));
    await first.settled();
    await first.stop();
    const second = new MentionQueue(progress, async (n) => void answered.push(n.id), 2);
    for (const id of ['2', '3', '4']) second.enqueue(mention(id));
    await second.settled();
    await second.stop();
    assert.deepEqual(answered, ['1', '2', '3', '4']);
  });

  it('keeps the watermark before a mention that failed, so catch-up lists it again', async () => {
    const progress = store();
    let fail = true;
    const queue = new MentionQueue(
      progress,
      async (n) => {
        if (n.id === 'x' && fail) throw new Error('server down');
      },
      1,
    );
    for (const id of ['w', 'x', 'y']) queue.enqueue(mention(id));
    await queue.settled();
    assert.equal(queue.watermark, 'w');
    fail = false;
    queue.enqueue(mention('x'));
    await queue.settled();
    await queue.stop();
    assert.equal(queue.watermark, 'y');
    assert.equal(progress.load().after, 'y');
  });

  it('takes a backlog of thousands in linear time and writes progress a few times, not once per answer', async () => {
    const saves: string[] = [];
    const progress = store();
    const save = progress.save.bind(progress);
    progress.save = (state) => {
      saves.push(state.after ?? '');
      save(state);
    };
    const queue = new MentionQueue(progress, async () => {}, 8);
    for (let i = 0; i < 20_000; i++) queue.enqueue(mention(`id-${i}`));
    await queue.settled();
    await queue.stop();
    assert.equal(queue.watermark, 'id-19999');
    assert.ok(saves.length < 20, `${saves.length} saves`);
    assert.equal(progress.load().handled.length, 2000);
  });

  it('never answers again what was answered above the watermark before a restart, however many', async () => {
    const progress = store();
    // Before the restart: 101 failed, and the 3000 after it were answered.
    progress.save({ after: '100', handled: Array.from({ length: 3000 }, (_, i) => String(102 + i)) });
    const answered: string[] = [];
    const queue = new MentionQueue(progress, async (n) => void answered.push(n.id), 4);
    // Catch-up lists everything after the watermark again, page by page.
    for (let page = 0; page < 76; page++) {
      for (let id = 101 + page * 40; id < 141 + page * 40 && id <= 3101; id++) queue.enqueue(mention(String(id)));
      await queue.settled();
    }
    assert.deepEqual(answered, ['101']);
    assert.equal(queue.watermark, '3101');
    await queue.stop();
  });

  it('never has more than maxInFlight mentions at once', async () => {
    let inFlight = 0;
    let most = 0;
    const queue = new MentionQueue(
      store(),
      async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
      },
      3,
    );
    for (let i = 0; i < 20; i++) queue.enqueue(mention(String(i)));
    await queue.settled();
    await queue.stop();
    assert.equal(most, 3);
  });
});
