/**
 * IP addresses for the engine, DNS, BGP and ops: one parser, one RFC 5952
 * formatter, one prefix mask (hostMaskWord, under maskIpv4, maskIpv6 and
 * networkOf).
 *
 * The routing table's lookup path works on numbers and never allocates:
 * IPv4 addresses are unsigned 32-bit numbers; IPv6 addresses are four
 * big-endian 32-bit words written into a caller-provided Uint32Array, so
 * parsing creates no objects, substrings or BigInts. The parsers are as
 * strict as `node:net` `isIPv4`/`isIPv6` (dotted quads without leading
 * zeros; at most one `::`, which stands for at least one group; an optional
 * dotted IPv4 tail), which the property tests check against, except that
 * IPv6 zone identifiers (`fe80::1%eth0`) are refused: a zone has no meaning
 * in a global routing table, nor in a question to the bot.
 *
 * Everything else (questions, answers, DNS data) uses `IpAddress`, the
 * address as bytes, built on the same parser and formatter.
 */

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
}

/** A prefix: an address and how many of its leading bits name the network. */
export interface IpPrefix {
  readonly address: IpAddress;
  readonly length: number;
}

/** `::ffff:0:0/96`, the IPv4-mapped IPv6 range (RFC 4291 §2.5.5.2). */
export const IPV4_MAPPED_PREFIX_LENGTH = 96;

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;
const CHAR_COLON = 58;

/** Hex digit values by char code, -1 for anything else. */
const HEX_VALUES = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX_VALUES[CHAR_0 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX_VALUES[97 + c] = 10 + c;
  HEX_VALUES[65 + c] = 10 + c;
}

/** The 16-bit groups of the IPv6 address being parsed; reused by every call. */
const groups = new Uint16Array(8);

/**
 * Parses a dotted-quad IPv4 address in `text[start, end)`.
 * Returns it as an unsigned 32-bit number, or -1 when it is not one.
 */
export function parseIpv4(text: string, start = 0, end = text.length): number {
  let address = 0;
  let octets = 0;
  let i = start;
  while (i < end) {
    let value = 0;
    const octetStart = i;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < CHAR_0 || c > CHAR_9) break;
      value = value * 10 + (c - CHAR_0);
    }
    const digits = i - octetStart;
    // A leading zero is refused like node:net does: `010` is octal to inet_aton.
    if (digits === 0 || digits > 3 || value > 255) return -1;
    if (digits > 1 && text.charCodeAt(octetStart) === CHAR_0) return -1;
    address = address * 256 + value;
    octets++;
    if (i === end) break;
    if (octets === 4 || text.charCodeAt(i) !== CHAR_DOT) return -1;
    i++;
    if (i === end) return -1;
  }
  return octets === 4 ? address : -1;
}

/**
 * Parses an IPv6 address in `text[start, end)` into `out[0..3]` (big-endian
 * 32-bit words). Returns false, leaving `out` unspecified, when it is not one.
 */
export function parseIpv6(text: string, out: Uint32Array, start = 0, end = text.length): boolean {
  if (!parseIpv6Groups(text, start, end)) return false;
  out[0] = ((groups[0]! << 16) | groups[1]!) >>> 0;
  out[1] = ((groups[2]! << 16) | groups[3]!) >>> 0;
  out[2] = ((groups[4]! << 16) | groups[5]!) >>> 0;
  out[3] = ((groups[6]! << 16) | groups[7]!) >>> 0;
  return true;
}

/** Fills `groups` (all eight, `::` expanded); false when the text is not an IPv6 address. */
function parseIpv6Groups(text: string, start: number, end: number): boolean {
  let count = 0;
  let gap = -1; // index in `groups` where `::` stands
  let i = start;
  if (end - start >= 2 && text.charCodeAt(i) === CHAR_COLON) {
    if (text.charCodeAt(i + 1) !== CHAR_COLON) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    const groupStart = i;
    let value = 0;
    for (; i < end && i - groupStart < 5; i++) {
      const c = text.charCodeAt(i);
      const digit = c < 128 ? HEX_VALUES[c]! : -1;
      if (digit < 0) break;
      value = value * 16 + digit;
    }
    if (i < end && text.charCodeAt(i) === CHAR_DOT) {
      // The dotted IPv4 tail fills the last two groups and ends the address.
      const ipv4 = count <= 6 ? parseIpv4(text, groupStart, end) : -1;
      if (ipv4 < 0) return false;
      groups[count++] = ipv4 >>> 16;
      groups[count++] = ipv4 & 0xffff;
      break;
    }
    const digits = i - groupStart;
    if (digits === 0 || digits > 4 || count === 8) return false;
    groups[count++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== CHAR_COLON) return false;
    i++;
    if (i < end && text.charCodeAt(i) === CHAR_COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === end) {
      return false; // a single trailing colon
    }
  }
  if (gap < 0) return count === 8;
  if (count > 7) return false; // `::` must stand for at least one group
  const moved = count - gap;
  for (let k = 0; k < moved; k++) groups[7 - k] = groups[count - 1 - k]!;
  for (let k = gap; k < 8 - moved; k++) groups[k] = 0;
  return true;
}

/** True for `::ffff:a.b.c.d`, whose IPv4 address is `words[3]`. */
export function isIpv4Mapped(words: Uint32Array): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

export function formatIpv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/**
 * RFC 5952 text: lower case, no leading zeros, the longest run of two or more
 * zero groups (the first of equals) written `::`.
 */
export function formatIpv6(words: ArrayLike<number>, offset = 0): string {
  const parts: number[] = [];
  for (let k = 0; k < 4; k++) {
    const word = words[offset + k]!;
    parts.push(word >>> 16, word & 0xffff);
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let k = 0; k < 8; ) {
    if (parts[k] !== 0) {
      k++;
      continue;
    }
    let run = k;
    while (run < 8 && parts[run] === 0) run++;
    if (run - k > bestLength) {
      bestStart = k;
      bestLength = run - k;
    }
    k = run;
  }
  const hex = parts.map((part) => part.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** The bits of 32-bit word `word` (0-based) that lie beyond a prefix of `length`. */
export function hostMaskWord(length: number, word: number): number {
  const wordStart = word * 32;
  if (length <= wordStart) return 0xffffffff;
  if (length >= wordStart + 32) return 0;
  return 0xffffffff >>> (length - wordStart);
}

/** Clears the host bits of an IPv4 address for a prefix of `length`. */
export function maskIpv4(address: number, length: number): number {
  return (address & ~hostMaskWord(length, 0)) >>> 0;
}

/** Clears, in place, the host bits of IPv6 words for a prefix of `length`. */
export function maskIpv6(words: Uint32Array, length: number): void {
  for (let k = 0; k < 4; k++) words[k] = (words[k]! & ~hostMaskWord(length, k)) >>> 0;
}

/** The network of `address/length`: the address with its host bits cleared. */
export function networkOf(address: IpAddress, length: number): IpAddress {
  const words = wordsOfBytes(address.bytes);
  if (address.version === 4) words[0] = maskIpv4(words[0]!, length);
  else maskIpv6(words, length);
  return { version: address.version, bytes: bytesOfWords(words) };
}

/** True when `address` lies in the prefix `network/length`. */
export function inPrefix(address: IpAddress, network: IpAddress, length: number): boolean {
  if (address.version !== network.version) return false;
  const a = networkOf(address, length).bytes;
  const b = networkOf(network, length).bytes;
  return a.every((byte, i) => byte === b[i]);
}

/**
 * Parses a decimal prefix length in `text[start, end)` of at most `max`;
 * -1 when it is not one.
 */
export function parsePrefixLength(text: string, start: number, end: number, max: number): number {
  if (end - start < 1 || end - start > 3) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < CHAR_0 || c > CHAR_9) return -1;
    value = value * 10 + (c - CHAR_0);
  }
  if (end - start > 1 && text.charCodeAt(start) === CHAR_0) return -1;
  return value <= max ? value : -1;
}

/** Parses an IPv4 or IPv6 address in text form; undefined when it is none. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const ipv4 = parseIpv4(text);
  if (ipv4 >= 0) return { version: 4, bytes: bytesOfWords([ipv4]) };
  const words = new Uint32Array(4);
  if (parseIpv6(text, words)) return { version: 6, bytes: bytesOfWords(words) };
  return undefined;
}

/** A prefix in CIDR text, `192.0.2.0/24`, host bits as written; undefined when it is none. */
export function parseCidr(text: string): IpPrefix | undefined {
  const read = readCidr(text);
  return read?.kind === 'prefix' ? { address: read.address, length: read.length } : undefined;
}

/**
 * What `ADDRESS` or `ADDRESS/LENGTH` text holds, for a reader that says what
 * was wrong: an address alone, a prefix (host bits as written), or an address
 * whose length (everything after the first slash) is not one for its version.
 */
export type CidrReading =
  | { readonly kind: 'address'; readonly address: IpAddress }
  | ({ readonly kind: 'prefix' } & IpPrefix)
  | { readonly kind: 'bad-length'; readonly address: IpAddress; readonly lengthText: string };

/** Reads an address or a prefix in CIDR text; undefined when the text before any slash is not an address. */
export function readCidr(text: string): CidrReading | undefined {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  if (slash < 0) return { kind: 'address', address };
  const length = parsePrefixLength(text, slash + 1, text.length, address.version === 4 ? 32 : 128);
  return length < 0 ? { kind: 'bad-length', address, lengthText: text.slice(slash + 1) } : { kind: 'prefix', address, length };
}

/** CIDR text read as a network, host bits cleared: a remote source's text need not clear them. */
export function parseNetwork(text: string): IpPrefix | undefined {
  const prefix = parseCidr(text);
  return prefix && { address: networkOf(prefix.address, prefix.length), length: prefix.length };
}

/** The IPv4 network `net/length` (host bits already clear) as a prefix. */
export function ipv4Prefix(net: number, length: number): IpPrefix {
  return { address: { version: 4, bytes: bytesOfWords([net]) }, length };
}

/** The IPv6 network in `words[offset, offset + 4)`/length (host bits already clear) as a prefix. */
export function ipv6Prefix(words: ArrayLike<number>, offset: number, length: number): IpPrefix {
  const network = [words[offset]!, words[offset + 1]!, words[offset + 2]!, words[offset + 3]!];
  return { address: { version: 6, bytes: bytesOfWords(network) }, length };
}

/** CIDR text, `192.0.2.0/24`: how a prefix is shown. */
export function formatPrefix({ address, length }: IpPrefix): string {
  return `${formatIpAddress(address)}/${length}`;
}

/** True when both are the same network of the same length (host bits ignored). */
export function samePrefix(a: IpPrefix, b: IpPrefix): boolean {
  return a.length === b.length && a.address.version === b.address.version && inPrefix(a.address, b.address, a.length);
}

export function formatIpAddress(address: IpAddress): string {
  return address.version === 4 ? formatIpv4(wordsOfBytes(address.bytes)[0]!) : formatIpv6(wordsOfBytes(address.bytes));
}

/** The PTR owner name of an address: `d.c.b.a.in-addr.arpa` or the nibbles of `ip6.arpa`. */
export function reverseDnsName(address: IpAddress): string {
  if (address.version === 4) return `${[...address.bytes].reverse().join('.')}.in-addr.arpa`;
  const nibbles: string[] = [];
  for (const byte of address.bytes) nibbles.push((byte >> 4).toString(16), (byte & 0xf).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

/**
 * The reverse zones that together hold the PTR names of `network/length`:
 * one when the length ends on a label (8 bits in in-addr.arpa, 4 in
 * ip6.arpa), else one for each value of the label it cuts (172.16.0.0/12:
 * 16.172.in-addr.arpa to 31.172.in-addr.arpa).
 */
export function reverseZones(network: IpAddress, length: number): string[] {
  const bitsPerLabel = network.version === 4 ? 8 : 4;
  const radix = network.version === 4 ? 10 : 16;
  const labels = reverseDnsName(networkOf(network, length)).split('.'); // least significant first
  const suffix = labels.splice(-2);
  const whole = Math.floor(length / bitsPerLabel);
  const kept = labels.slice(labels.length - whole);
  const spare = length % bitsPerLabel;
  if (spare === 0) return [[...kept, ...suffix].join('.')];
  const first = parseInt(labels[labels.length - whole - 1]!, radix);
  return Array.from({ length: 1 << (bitsPerLabel - spare) }, (_, i) => [(first + i).toString(radix), ...kept, ...suffix].join('.'));
}

/** Big-endian 32-bit words of 4 or 16 address bytes. */
export function wordsOfBytes(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(bytes.length >> 2);
  for (let k = 0; k < words.length; k++) {
    words[k] = ((bytes[4 * k]! << 24) | (bytes[4 * k + 1]! << 16) | (bytes[4 * k + 2]! << 8) | bytes[4 * k + 3]!) >>> 0;
  }
  return words;
}

/** The bytes of big-endian 32-bit words. */
function bytesOfWords(words: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(4 * words.length);
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    bytes[4 * k] = word >>> 24;
    bytes[4 * k + 1] = (word >>> 16) & 0xff;
    bytes[4 * k + 2] = (word >>> 8) & 0xff;
    bytes[4 * k + 3] = word & 0xff;
  }
  return bytes;
}
