/**
 * Entity IDs in the styles real fediverse servers use. A client must treat
 * every one of them as an opaque string: Mastodon's are decimal strings of
 * growing length, Pleroma's and GoToSocial's are sortable base62/base32
 * strings, and some servers hand out UUIDs that do not sort at all.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export type IdStyle = 'numeric' | 'flake' | 'ulid' | 'uuid';

export interface IdGenerator {
  next(): string;
  /**
   * Orders two IDs of this generator like the server's database does, or
   * returns undefined when they cannot be ordered (an unknown UUID), in which
   * case the pagination parameter carrying it is ignored.
   */
  compare(a: string, b: string): number | undefined;
}

export interface IdOptions {
  /**
   * First numeric ID. The default, 8, makes the ID length change after two
   * items ("8", "9", "10"), so that sorting IDs as strings is caught at once;
   * a start above 2^53 catches IDs parsed as JavaScript numbers.
   */
  readonly numericStart?: bigint;
}

export function createIdGenerator(style: IdStyle, options: IdOptions = {}): IdGenerator {
  switch (style) {
    case 'numeric':
      return numericIds(options.numericStart ?? 8n);
    case 'flake':
      return flakeIds();
    case 'ulid':
      return ulids();
    case 'uuid':
      return uuids();
  }
}

function numericIds(start: bigint): IdGenerator {
  let next = start;
  return {
    next: () => String(next++),
    compare(a, b) {
      if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
      const difference = BigInt(a) - BigInt(b);
      return difference === 0n ? 0 : difference > 0n ? 1 : -1;
    },
  };
}

/** Fixed-length strings in an alphabet whose ASCII order is its numeric order. */
function compareSortableStrings(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function encode(value: bigint, alphabet: string, width: number): string {
  const base = BigInt(alphabet.length);
  let text = '';
  for (let rest = value; rest > 0n; rest /= base) text = alphabet[Number(rest % base)] + text;
  return text.padStart(width, alphabet[0]);
}

/** Pleroma's FlakeId: 64-bit milliseconds, 48-bit worker, 16-bit sequence, base62. */
function flakeIds(): IdGenerator {
  const worker = BigInt(`0x${randomBytes(6).toString('hex')}`);
  let lastMs = 0n;
  let sequence = 0n;
  return {
    next() {
      const now = BigInt(Date.now());
      sequence = now === lastMs ? sequence + 1n : 0n;
      lastMs = now;
      return encode((now << 64n) | (worker << 16n) | sequence, BASE62, 18);
    },
    compare: compareSortableStrings,
  };
}

const CROCKFORD32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Monotonic ULIDs as GoToSocial issues them: the random part counts up within one millisecond. */
function ulids(): IdGenerator {
  let lastMs = -1;
  let random = 0n;
  return {
    next() {
      const now = Date.now();
      // 79 random bits leave room to count up without overflowing the 80-bit field.
      random = now === lastMs ? random + 1n : BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n;
      lastMs = now;
      return encode(BigInt(now), CROCKFORD32, 10) + encode(random, CROCKFORD32, 16);
    },
    compare: compareSortableStrings,
  };
}

/** Random UUIDs: ordered only by when this server issued them. */
function uuids(): IdGenerator {
  const issuedAt = new Map<string, number>();
  return {
    next() {
      const id = randomUUID();
      issuedAt.set(id, issuedAt.size);
      return id;
    },
    compare(a, b) {
      const left = issuedAt.get(a);
      const right = issuedAt.get(b);
      return left === undefined || right === undefined ? undefined : left - right;
    },
  };
}
