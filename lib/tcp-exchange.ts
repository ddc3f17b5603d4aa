import { connect } from 'node:net';
import type { ResponseFilter } from './udp-exchange.ts';

/** Sends one query over TCP with the two-octet length prefix (RFC 1035 §4.2.2, RFC 7766) and reads the answer. */
export function exchangeTcp(host: string, port: number, query: Buffer, accept: ResponseFilter, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buffered = Buffer.alloc(0);
    const finish = (error: Error | undefined, message?: Buffer) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(message!);
    };
    const onAbort = () => finish(signal.reason as Error);
    if (signal.aborted) return finish(signal.reason as Error);
    signal.addEventListener('abort', onAbort);
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
        if (accept(message)) return finish(undefined, message);
      }
    });
    socket.on('error', (error) => finish(error));
    socket.on('end', () => finish(new Error('connection closed before an answer')));
  });
}
