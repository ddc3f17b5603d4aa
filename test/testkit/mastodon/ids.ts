/**
 * Entity IDs in the styles real fediverse servers use. A client must treat
 * every one of them as an opaque string: Mastodon's are decimal strings of
 * growing length, Pleroma's and GoToSocial's are sortable base62/base32
 * strings, and some servers hand out UUIDs that do not sort at all.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export type IdStyle = 'numeric' | 'flake' | 'ulid' | 'uuid';
/** Styles only some servers use, for some kinds of entity (see flavours.ts). */
export type ServerIdStyle = IdStyle | 'uuidv7' | 'hollo-notification' | 'aidx';

/** What a server may put into an ID besides a counter: Hollo's notification IDs carry their type and time. */
export interface IdHint {
  readonly type?: string;
  readonly at?: Date;
}

export interface IdGenerator {
  next(hint?: IdHint): string;
  /**
   * Orders two IDs of this generator like the server's database does, or
   * returns undefined when they cannot be ordered (an unknown UUID), in which
   * case the pagination parameter carrying it is ignored.
   */
  compare(a: string, b: string): number | undefined;
  /** The ID embeds its creation time, which must then differ from one ID to the next (see `holloNotificationIds`). */
  readonly distinctTimes?: boolean;
}

export interface IdOptions {
  /**
   * First numeric ID. The default, 8, makes the ID length change after two
   * items ("8", "9", "10"), so that sorting IDs as strings is caught at once;
   * a start above 2^53 catches IDs parsed as JavaScript numbers.
   */
  readonly numericStart?: bigint;
}

export function createIdGenerator(style: ServerIdStyle, options: IdOptions = {}): IdGenerator {
  switch (style) {
    case 'numeric':
      return numericIds(options.numericStart ?? 8n);
    case 'flake':
      return flakeIds();
    case 'ulid':
      return ulids();
    case 'uuid':
      return uuids();
    case 'uuidv7':
      return uuidv7s();
    case 'hollo-notification':
      return holloNotificationIds();
    case 'aidx':
      return aidxIds();
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

function hex(value: bigint, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/**
 * UUIDv7 as Hollo's `uuidv7()` issues them (src/api/v1/statuses.ts): 48 bits
 * of milliseconds, then random bits. Here the 12-bit `rand_a` counts up
 * within one millisecond, so the text order is the issue order.
 */
function uuidv7s(): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  return {
    next() {
      const now = Date.now();
      counter = now === lastMs ? counter + 1 : 0;
      lastMs = now;
      const ms = hex(BigInt(now), 12);
      const randB = BigInt(`0x${randomBytes(8).toString('hex')}`) & ((1n << 62n) - 1n);
      const tail = hex((2n << 62n) | randB, 16);
      return `${ms.slice(0, 8)}-${ms.slice(8)}-7${hex(BigInt(counter & 0xfff), 3)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
    },
    compare(a, b) {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      if (!uuid.test(a) || !uuid.test(b)) return undefined;
      return a < b ? -1 : a > b ? 1 : 0;
    },
  };
}

/**
 * Hollo's notification IDs, `${created.toISOString()}/${type}/${uuidv7}`
 * (src/api/v1/notifications.ts). Its cursors compare only the timestamp
 * (parseNotificationId); an ID without one, such as a bare UUID, is ignored.
 */
function holloNotificationIds(): IdGenerator {
  const uuids = uuidv7s();
  const timestamp = (id: string): number | undefined => {
    const parts = id.split('/');
    if (parts.length < 3) return undefined;
    const time = Date.parse(parts.slice(0, -2).join('/'));
    return Number.isNaN(time) ? undefined : time;
  };
  return {
    next(hint = {}) {
      return `${(hint.at ?? new Date()).toISOString()}/${hint.type ?? 'mention'}/${uuids.next()}`;
    },
    compare(a, b) {
      const left = timestamp(a);
      const right = timestamp(b);
      return left === undefined || right === undefined ? undefined : left - right;
    },
    distinctTimes: true,
  };
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Misskey's aid epoch, 2000-01-01T00:00:00Z. */
const AID_EPOCH = 946_684_800_000;

/**
 * Misskey's `aidx` (packages/backend/src/misc/id/aidx.ts): 8 base36 digits of
 * milliseconds since 2000, 4 of node ID, 4 of counter, 16 in all. Sharkey
 * orders them by length, then as text (server/api/mastodon/pagination.ts).
 */
function aidxIds(): IdGenerator {
  const node = encode(BigInt(randomBytes(3).readUIntBE(0, 3)) % 36n ** 4n, BASE36, 4);
  let counter = BigInt(randomBytes(2).readUInt16BE(0));
  return {
    next() {
      counter = (counter + 1n) % 36n ** 4n;
      return encode(BigInt(Date.now() - AID_EPOCH), BASE36, 8) + node + encode(counter, BASE36, 4);
    },
    compare(a, b) {
      if (!/^[a-zA-Z0-9]+$/.test(a) || !/^[a-zA-Z0-9]+$/.test(b)) return undefined;
      return compareSortableStrings(a, b);
    },
  };
}
