/**
 * The RDAP client's shared requests: askers of one object while it is under
 * way share one request, which no asker's signal is tied to. The client is
 * the real one with RDAP's guarded fetch, given the test's CA; the server is the
 * loopback HTTPS one, holding its answer until the test lets it go.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseBootstrap } from '../../lib/rdap/bootstrap.ts';
import { RdapClient } from '../../lib/rdap/rdap-client.ts';
import type { JsonFetch } from '../../lib/rdap/rdap-fetch.ts';
import { rdapFetchTrusting, startRdapServer, type RdapTestServer } from '../testkit/rdap/rdap-server.ts';
import { waitFor } from '../testkit/wait-for.ts';

/** An answer the server sends when `release` is called. */
function heldAnswer(asn: number) {
  let release!: () => void;
  const until = new Promise<void>((resolve) => (release = resolve));
  const json = { objectClassName: 'autnum', handle: `AS${asn}`, startAutnum: asn, endAutnum: asn, name: `HELD-${asn}` };
  return { answer: { until, json }, release };
}

/** The question's own reason to give up, as a caller's controller would abort with. */
class GaveUp extends Error {
  override readonly name = 'GaveUp';
}

describe('the RDAP client shares a request among its askers', { timeout: 60_000 }, () => {
  let rdap: RdapTestServer;
  let client: RdapClient;
  let fetch: JsonFetch;
  /** Calls of the client's fetch: RDAP's guarded fetch, counted. */
  let fetches = 0;

  before(async () => {
    rdap = await startRdapServer();
    const bootstrap = parseBootstrap({
      dns: { services: [] },
      ipv4: { services: [] },
      ipv6: { services: [] },
      asn: { services: [[['64496-64511'], [`${rdap.url}held/`]]] },
    });
    fetch = rdapFetchTrusting(rdap.ca, { timeoutMs: 30_000 });
    client = new RdapClient({
      bootstrap: () => bootstrap,
      fetch: (url, signal) => {
        fetches++;
        return fetch(url, signal);
      },
    });
  });
  after(() => rdap.close());

  const asked = (path: string) => rdap.requests.filter((asked) => asked === path).length;

  /** The only asker of a held AS number, aborted once its request has reached the server. */
  async function abandonedAsk(asn: number) {
    const path = `/held/autnum/${asn}`;
    const held = heldAnswer(asn);
    rdap.answer(path, held.answer);
    const asker = new AbortController();
    const ask = client.autnum(asn, asker.signal);
    await waitFor(() => asked(path) === 1);
    asker.abort();
    return { path, held, asker, ask };
  }

  it('answers the second asker when the first gives up, with one request, and keeps the answer', async () => {
    const path = '/held/autnum/64500';
    const held = heldAnswer(64500);
    rdap.answer(path, held.answer);
    const first = new AbortController();
    const second = new AbortController();
    const firstAsk = client.autnum(64500, first.signal);
    let secondSettled = false;
    const secondAsk = client.autnum(64500, second.signal).finally(() => (secondSettled = true));
    await waitFor(() => asked(path) === 1);
    const reason = new GaveUp('the question timed out');
    first.abort(reason);
    // Rejected with its own reason, while the request is still under way and the second asker still waits.
    await assert.rejects(firstAsk, (error) => error === reason);
    assert.equal(secondSettled, false, 'the second asker still waits');
    held.release();
    const found = await secondAsk;
    assert.equal(found.object.name, 'HELD-64500');
    assert.equal(asked(path), 1, 'one request for both askers');
    assert.deepEqual(rdap.dropped, [], 'the shared request was not stopped');
    // Kept: asked again, not fetched again.
    assert.equal((await client.autnum(64500)).object.name, 'HELD-64500');
    assert.equal(asked(path), 1);
  });

  it('rejects an asker at once when its signal aborts while the request is under way, and keeps no request nobody waits for', async () => {
    const { path, held, asker, ask } = await abandonedAsk(64501);
    // As a fetch with that signal would: rejected with the signal's reason, an AbortError, with no answer sent yet.
    await assert.rejects(ask, (error) => error === asker.signal.reason && error instanceof DOMException && error.name === 'AbortError');
    // Nobody waits for it any more: the request is stopped, not left to run into its time limit.
    await waitFor(() => rdap.dropped.includes(path));
    // The next asker is not given the stopped request: it asks again, and gets the answer.
    held.release();
    assert.equal((await client.autnum(64501)).object.name, 'HELD-64501');
    assert.equal(asked(path), 2);
  });

  it('has the guarded fetch stop when its caller gives up, rejecting with the caller’s reason, not as a timeout of the server', async () => {
    const path = '/held/autnum/64503';
    rdap.answer(path, heldAnswer(64503).answer);
    const caller = new AbortController();
    const asking = fetch(`${rdap.url}held/autnum/64503`, caller.signal);
    await waitFor(() => asked(path) === 1);
    const reason = new GaveUp('the shared request was abandoned');
    caller.abort(reason);
    await assert.rejects(asking, (error) => error === reason);
    await waitFor(() => rdap.dropped.includes(path));
  });

  it('asks nothing for an asker whose signal has already aborted', async () => {
    const path = '/held/autnum/64502';
    rdap.answer(path, heldAnswer(64502).answer);
    const reason = new GaveUp('the bot is stopping');
    const before = fetches;
    await assert.rejects(client.autnum(64502, AbortSignal.abort(reason)), (error) => error === reason);
    // Not started at all: a request started for nobody would be kept, and nobody would ever leave it.
    assert.equal(fetches, before);
    assert.equal(asked(path), 0);
  });

  it('gives the next asker a request of its own when the only one before it gave up', async () => {
    const { path, held, ask } = await abandonedAsk(64504);
    await assert.rejects(ask);
    // At once, before the stopped request has rejected: it is no longer the cached one.
    const next = client.autnum(64504);
    held.release();
    assert.equal((await next).object.name, 'HELD-64504');
    assert.equal(asked(path), 2);
  });
});
