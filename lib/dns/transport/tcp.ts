import { connect } from 'node:net';
import { abortableExchange } from './abortable-exchange.ts';
import type { ResponseFilter } from './udp.ts';

/** Sends one query over TCP with the two-octet length prefix (RFC 1035 §4.2.2, RFC 7766) and reads the answer. */
export function exchangeTcp(host: string, port: number, query: Buffer, accept: ResponseFilter, signal: AbortSignal): Promise<Buffer> {
  const socket = connect({ host, port });
  return abortableExchange<Buffer>(
    signal,
    () => socket.destroy(),
    (resolve, reject) => {
      let buffered = Buffer.alloc(0);
      socket.on('connect', () => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(query.length);
        socket.write(Buffer.concat([length, query]));
      });
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
          buffered = buffered.subarray(2 + message.length);
          if (accept(message)) return resolve(message);
        }
      });
      socket.on('error', reject);
      socket.on('end', () => reject(new Error('connection closed before an answer')));
    },
  );
}
