import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
}

/** Parses an IPv4 or IPv6 address in text form; undefined when it is none. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { version: 4, bytes: Uint8Array.from(text.split('.').map(Number)) };
  if (isIPv6(text) && !text.includes('%')) return { version: 6, bytes: ipv6Bytes(text) };
  return undefined;
}

function ipv6Bytes(text: string): Uint8Array {
  let groups: number[];
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  const hex = embedded ? `${text.slice(0, -embedded[1].length)}0:0` : text;
  const [head, tail] = hex.split('::');
  const words = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  if (tail === undefined) groups = words(head);
  else {
    const before = words(head);
    const after = words(tail);
    groups = [...before, ...new Array(8 - before.length - after.length).fill(0), ...after];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  if (embedded) bytes.set(embedded[1].split('.').map(Number), 12);
  return bytes;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run of zero groups as `::`. */
export function formatIpv6(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function formatIpAddress(address: IpAddress): string {
  return address.version === 4 ? address.bytes.join('.') : formatIpv6(address.bytes);
}

/** The PTR owner name of an address: `d.c.b.a.in-addr.arpa` or the nibbles of `ip6.arpa`. */
export function reverseDnsName(address: IpAddress): string {
  if (address.version === 4) return `${[...address.bytes].reverse().join('.')}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (const byte of address.bytes) nibbles.push((byte >> 4).toString(16), (byte & 0xf).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}
