/**
 * A loopback stand-in for stat.ripe.net over HTTPS (loopback-https.ts: its
 * certificate from a CA of the test's own), and the client options that reach
 * it as a lab would: its loopback address allowed, its CA trusted (the one
 * thing a test in one process cannot set through NODE_EXTRA_CA_CERTS).
 */
import type { RequestListener } from 'node:http';
import type { RipeStatOptions } from '../../../lib/bgp/sources/ripestat-client.ts';
import { startLoopbackHttps } from '../loopback-https.ts';

export interface RipeStatStandIn {
  /** The options of a client that asks the stand-in, with a time limit of 2 s a request. */
  readonly options: RipeStatOptions & { readonly baseUrl: string };
  close(): Promise<void>;
}

export async function startRipeStatStandIn(handler: RequestListener): Promise<RipeStatStandIn> {
  const server = await startLoopbackHttps(handler);
  return {
    options: { baseUrl: server.origin, timeoutMs: 2000, allowPrivate: true, ca: server.ca.caPem },
    close: server.close,
  };
}
