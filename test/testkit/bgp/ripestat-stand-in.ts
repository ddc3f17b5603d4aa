/**
 * A loopback stand-in for stat.ripe.net over HTTPS, its certificate from a
 * CA of the test's own (rdap/test-ca.ts), and the client options that reach
 * it as a lab would: its loopback address allowed, its CA trusted (the one
 * thing a test in one process cannot set through NODE_EXTRA_CA_CERTS).
 */
import type { RequestListener } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RipeStatOptions } from '../../../lib/bgp/sources/ripestat-client.ts';
import { createTestCa } from '../rdap/test-ca.ts';

export interface RipeStatStandIn {
  /** The options of a client that asks the stand-in, with a time limit of 2 s a request. */
  readonly options: RipeStatOptions & { readonly baseUrl: string };
  close(): Promise<void>;
}

export async function startRipeStatStandIn(handler: RequestListener): Promise<RipeStatStandIn> {
  const ca = createTestCa();
  const server = createServer({ cert: ca.certPem, key: ca.keyPem }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    options: { baseUrl: `https://127.0.0.1:${port}`, timeoutMs: 2000, allowPrivate: true, ca: ca.caPem },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          ca.remove();
          resolve();
        });
      }),
  };
}
