import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { abortableExchange } from './abortable-exchange.ts';
import { EDNS_UDP_PAYLOAD_SIZE } from '../wire/message.ts';

/** Is this datagram the answer we wait for? Anything else (a late or forged answer) is ignored. */
export type ResponseFilter = (message: Buffer) => boolean;

/**
 * Sends one query over UDP from a fresh random port and waits for the
 * matching answer. The socket is connected, so datagrams from other sources
 * are dropped by the kernel and an ICMP "port unreachable" fails fast.
 */
export function exchangeUdp(host: string, port: number, query: Buffer, accept: ResponseFilter, signal: AbortSignal): Promise<Buffer> {
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: EDNS_UDP_PAYLOAD_SIZE * 4 });
  return abortableExchange<Buffer>(
    signal,
    () => socket.close(),
    (resolve, reject) => {
      socket.on('error', reject);
      socket.on('message', (message) => {
        if (accept(message)) resolve(message);
      });
      socket.connect(port, host, () => socket.send(query));
    },
  );
}
