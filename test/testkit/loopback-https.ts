/**
 * An HTTPS server on 127.0.0.1 at a port the system picks, its certificate
 * signed by a CA of its own (test-ca.ts): the setup every HTTPS stand-in of
 * the test kit shares. The CA lives as long as the server: close removes it.
 */
import type { RequestListener } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestCa, type TestCa } from './test-ca.ts';

export interface LoopbackHttps {
  /** `https://127.0.0.1:PORT`, without a trailing slash. */
  readonly origin: string;
  /** What a client must trust to reach the server: caPem in this process, caPath through NODE_EXTRA_CA_CERTS in a child. */
  readonly ca: Pick<TestCa, 'caPem' | 'caPath'>;
  /** Ends open connections, stops the server and removes the CA. */
  close(): Promise<void>;
}

export async function startLoopbackHttps(handler: RequestListener): Promise<LoopbackHttps> {
  const ca = createTestCa();
  const server = createServer({ cert: ca.certPem, key: ca.keyPem }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    ca,
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
