import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { UpstreamResolver } from '../../../lib/dns/upstream-resolver.ts';
import { parseUpstream } from '../../../lib/dns/upstream.ts';
import { errorMessage } from '../../../lib/ops/error-fields.ts';

/** A port free for both TCP and UDP on 127.0.0.1 at the time of asking. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

/** Resolves once a DNS server on host:port answers (any RCODE), failing after `timeoutMs`. */
export async function waitForDns(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const resolver = new UpstreamResolver([parseUpstream(`${host}:${port}`)], 300);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await resolver.resolve({ name: '', type: 6 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`no DNS server on ${host}:${port} after ${timeoutMs} ms: ${errorMessage(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
