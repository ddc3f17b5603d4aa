import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MentionNotification } from '../../lib/fediverse.ts';
import { MentionQueue } from '../../lib/mention-queue.ts';
import { ProgressStore } from '../../lib/progress-store.ts';

const mention = (id: string): MentionNotification => ({ id, type: 'mention' });
const store = () => new ProgressStore(mkdtempSync(join(tmpdir(), 'fedidig-queue-')));

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
    assert.deepEqual([...progress.load().handled].sort(), ['10', 'a']);
    release.get('9')!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(queue.watermark, '10');
    release.get('b')!();
    await queue.settled();
    assert.deepEqual(progress.load(), { after: 'a', handled: ['10', 'a', '9', 'b'] });
  });

  it('answers nothing twice, across a restart too', async () => {
    const progress = store();
    const answered: string[] = [];
    const first = new MentionQueue(progress, async (n) => void answered.push(n.id), 2);
    for (const id of ['1', '2', '2', '3']) first.enqueue(mention(id));
    await first.settled();
    const second = new MentionQueue(progress, async (n) => void answered.push(n.id), 2);
    for (const id of ['2', '3', '4']) second.enqueue(mention(id));
    await second.settled();
    assert.deepEqual(answered, ['1', '2', '3', '4']);
  });

  it('keeps the watermark before a mention that failed, so catch-up lists it again', async () => {
    const progress = store();
    let fail = true;
    const queue = new MentionQueue(progress, async (n) => {
      if (n.id === 'x' && fail) throw new Error('server down');
    }, 1);
    for (const id of ['w', 'x', 'y']) queue.enqueue(mention(id));
    await queue.settled();
    assert.equal(queue.watermark, 'w');
    fail = false;
    queue.enqueue(mention('x'));
    await queue.settled();
    assert.equal(queue.watermark, 'y');
  });

  it('never has more than maxInFlight mentions at once', async () => {
    let inFlight = 0;
    let most = 0;
    const queue = new MentionQueue(store(), async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    }, 3);
    for (let i = 0; i < 20; i++) queue.enqueue(mention(String(i)));
    await queue.settled();
    assert.equal(most, 3);
  });
});
