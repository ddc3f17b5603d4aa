/**
 * Responses as plain values, so that the same answer can be written to an
 * HTTP response or, for a refused WebSocket upgrade, straight to the socket.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface PlainResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): PlainResponse {
  // Rails' JSON renderer declares the charset.
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): PlainResponse {
  return jsonResponse(status, { error: message }, headers);
}

export function writeResponse(res: ServerResponse, response: PlainResponse): void {
  res.writeHead(response.status, { ...response.headers, 'Content-Length': String(Buffer.byteLength(response.body)) });
  res.end(response.body);
}

/** Answers an upgrade request without upgrading, then closes the connection. */
export function writeRawResponse(socket: Duplex, response: PlainResponse): void {
  const headers = { ...response.headers, Connection: 'close', 'Content-Length': String(Buffer.byteLength(response.body)) };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n${head}\r\n${response.body}`);
}
