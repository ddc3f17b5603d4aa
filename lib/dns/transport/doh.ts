import type { ResponseFilter } from './udp.ts';

const DNS_MESSAGE = 'application/dns-message';

/** DNS over HTTPS with POST (RFC 8484 §4.1). */
export async function exchangeDoh(url: string, query: Buffer, accept: ResponseFilter, signal: AbortSignal): Promise<Buffer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': DNS_MESSAGE, accept: DNS_MESSAGE },
    body: query,
    signal,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith(DNS_MESSAGE)) throw new Error(`answered ${type || 'no content type'} instead of ${DNS_MESSAGE}`);
  const message = Buffer.from(await response.arrayBuffer());
  if (!accept(message)) throw new Error('answered a different question');
  return message;
}
