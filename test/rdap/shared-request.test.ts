/**
 * SharedRequest on its own: what it does with an asker who has given up
 * before asking, which the RDAP client never sends it (it starts no request
 * for one) but which must not leave a request running for nobody.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedRequest } from '../../lib/rdap/shared-request.ts';

/** A request that never answers by itself, and what became of it. */
function pending() {
  const seen = { signal: undefined as AbortSignal | undefined, abandoned: 0 };
  const request = new SharedRequest<string>(
    (signal) => {
      seen.signal = signal;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    },
    () => seen.abandoned++,
  );
  return { request, seen };
}

describe('a request shared among askers', () => {
  it('is stopped and abandoned when its only asker had given up before asking', async () => {
    const { request, seen } = pending();
    const reason = new Error('the bot is stopping');
    await assert.rejects(request.wait(AbortSignal.abort(reason)), (error) => error === reason);
    assert.equal(seen.signal?.aborted, true, 'the request was stopped');
    assert.equal(seen.abandoned, 1);
  });

  it('goes on for the others when an asker who had given up comes after them', async () => {
    const { request, seen } = pending();
    const waiting = new AbortController();
    const first = request.wait(waiting.signal);
    await assert.rejects(request.wait(AbortSignal.abort()));
    assert.equal(seen.signal?.aborted, false, 'still under way for the first asker');
    assert.equal(seen.abandoned, 0);
    waiting.abort();
    await assert.rejects(first);
    assert.equal(seen.signal?.aborted, true);
    assert.equal(seen.abandoned, 1);
  });
});
