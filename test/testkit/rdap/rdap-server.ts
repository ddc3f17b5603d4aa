/**
 * A loopback RDAP server over HTTPS (loopback-https.ts: its certificate from a
 * CA of the test's own) that serves registry-shaped answers by path, as
 * rdap-registries.ts lays them out, and writes the bootstrap files that point
 * at it. Every request is recorded, so tests can tell what was asked.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refusedAddressRule } from '../../../lib/net/special-ranges.ts';
import { type JsonFetch, rdapFetch } from '../../../lib/rdap/rdap-fetch.ts';
import { type LoopbackHttps, startLoopbackHttps } from '../loopback-https.ts';

/** One answer: a status, a body (JSON unless a string), headers; or a function of the request for answers that depend on it. */
export interface RdapServerAnswer {
  readonly status?: number;
  readonly json?: unknown;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Wait this long before answering (a slow server). */
  readonly delayMs?: number;
  /** Answer once this settles: a server that answers when the test says. */
  readonly until?: Promise<unknown>;
}

export interface RdapTestServer {
  /** `https://127.0.0.1:PORT/` */
  readonly url: string;
  /** The CA a client must trust to reach the server; closing the server removes it. */
  readonly ca: LoopbackHttps['ca'];
  /** Paths asked, in order. */
  readonly requests: string[];
  /** Paths whose asker closed the connection before it was answered, in order. */
  readonly dropped: string[];
  /** Sets (or replaces) the answer at a path, e.g. `/ripe/ip/193.0.6.139`. */
  answer(path: string, answer: RdapServerAnswer): void;
  close(): Promise<void>;
}

export async function startRdapServer(): Promise<RdapTestServer> {
  const answers = new Map<string, RdapServerAnswer>();
  const requests: string[] = [];
  const dropped: string[] = [];
  const server = await startLoopbackHttps((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]!).toLowerCase();
    requests.push(path);
    const found = answers.get(path) ?? { status: 404, json: { errorCode: 404, title: 'Not Found' } };
    let answered = false;
    response.once('close', () => {
      if (!answered) dropped.push(path);
    });
    const send = () => {
      if (response.destroyed) return;
      answered = true;
      const body = found.body ?? JSON.stringify(found.json ?? {});
      response.writeHead(found.status ?? 200, { 'content-type': 'application/rdap+json', ...found.headers });
      response.end(body);
    };
    if (found.until) void found.until.then(send, send);
    else if (found.delayMs) setTimeout(send, found.delayMs).unref();
    else send();
  });
  return {
    url: `${server.origin}/`,
    ca: server.ca,
    requests,
    dropped,
    answer: (path, answer) => answers.set(path.toLowerCase(), answer),
    close: server.close,
  };
}

/**
 * RDAP's guarded fetch as openWhois makes it, trusting `ca` (the one thing a test in one process cannot set
 * through NODE_EXTRA_CA_CERTS): a lab's, RDAP_ALLOW_PRIVATE, unless `allowPrivate` is false; a cap of 1 MB unless `maxBytes`.
 */
export function rdapFetchTrusting(
  ca: LoopbackHttps['ca'],
  { timeoutMs, maxBytes = 1 << 20, allowPrivate = true }: { timeoutMs: number; maxBytes?: number; allowPrivate?: boolean },
): JsonFetch {
  return rdapFetch({ refuseAddress: refusedAddressRule(allowPrivate), timeoutMs, maxBytes, maxRedirects: 3, ca: ca.caPem });
}

/** Bootstrap services as [entries, URLs] per file, as RFC 9224 lays them out. */
export type BootstrapServices = Record<'dns' | 'ipv4' | 'ipv6' | 'asn', [string[], string[]][]>;

/** Writes dns.json, ipv4.json, ipv6.json and asn.json into `dir`, published at `publication`. */
export function writeBootstrapDir(dir: string, services: BootstrapServices, publication = '2026-12-01T00:00:00Z'): string {
  mkdirSync(dir, { recursive: true });
  for (const [file, list] of Object.entries(services)) {
    writeFileSync(join(dir, `${file}.json`), JSON.stringify({ description: `test ${file}`, publication, services: list, version: '1.0' }));
  }
  return dir;
}
