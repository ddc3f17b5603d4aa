/**
 * RDAP's guarded fetch against the loopback HTTPS server: an error status is
 * told by its status whatever the size of its body, and a success larger
 * than the cap is refused however its bytes arrive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FetchTooLargeError } from '../../lib/net/fetch-errors.ts';
import { RdapNotFoundError, RdapRateLimitedError, RdapStatusError } from '../../lib/rdap/errors.ts';
import type { JsonFetch } from '../../lib/rdap/rdap-fetch.ts';
import { rdapFetchTrusting, startRdapServer, type RdapTestServer } from '../testkit/rdap/rdap-server.ts';

/** A body of `bytes` bytes, with its Content-Length declared. */
const sized = (bytes: number) => ({ body: Buffer.alloc(bytes, 'x'), headers: { 'content-length': String(bytes) } });

describe('RDAP’s guarded fetch reads the status, not the size, of an error', { timeout: 30_000 }, () => {
  let rdap: RdapTestServer;
  /** With a cap of 1 MB. */
  let fetch: JsonFetch;
  const fetchCapped = (maxBytes: number) => rdapFetchTrusting(rdap.ca, { timeoutMs: 10_000, maxBytes });

  before(async () => {
    rdap = await startRdapServer();
    fetch = fetchCapped(1 << 20);
  });
  after(() => rdap.close());

  it('tells a 404 with a 2 MB page as not found', async () => {
    rdap.answer('/big/404', { status: 404, ...sized(2 << 20) });
    await assert.rejects(fetch(`${rdap.url}big/404`), RdapNotFoundError);
  });

  it('keeps the Retry-After of a 429 with a 2 MB page, and the status of a 503 with one sent in chunks', async () => {
    const { body, headers } = sized(2 << 20);
    rdap.answer('/big/429', { status: 429, body, headers: { ...headers, 'retry-after': '30' } });
    await assert.rejects(fetch(`${rdap.url}big/429`), (error) => error instanceof RdapRateLimitedError && error.retryAfterSeconds === 30);
    rdap.answer('/big/503', { status: 503, body });
    await assert.rejects(fetch(`${rdap.url}big/503`), (error) => error instanceof RdapStatusError && error.status === 503);
  });

  it('refuses a 200 past the cap even when the chunk that crosses it also ends the answer', async () => {
    // 5000 bytes without a Content-Length: one TLS record, so one chunk, which ends the message.
    rdap.answer('/big/200', { json: { objectClassName: 'autnum', name: 'x'.repeat(5000) } });
    await assert.rejects(fetchCapped(1000)(`${rdap.url}big/200`), FetchTooLargeError);
    // Within the cap, the same answer is read.
    assert.equal(((await fetchCapped(10_000)(`${rdap.url}big/200`)).json as { name: string }).name.length, 5000);
  });
});
