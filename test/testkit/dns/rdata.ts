/**
 * RDATA built octet by octet from the RFCs, independently of lib/, so that a
 * decoding bug cannot hide behind a matching encoding bug.
 */
export const u8 = (n: number) => Buffer.from([n]);
export const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
export const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
export const hex = (text: string) => Buffer.from(text, 'hex');
export const cat = (...parts: Buffer[]) => Buffer.concat(parts);

/** <character-string>: length octet + octets. */
export const str = (text: string | Buffer) => {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return cat(u8(bytes.length), bytes);
};

/** An uncompressed wire name. */
export const wireName = (name: string) =>
  cat(
    ...name
      .replace(/\.$/, '')
      .split('.')
      .filter(Boolean)
      .map((label) => str(label)),
    u8(0),
  );

/** NSEC/NSEC3 type bit maps (RFC 4034 §4.1.2). */
export function typeBitmap(types: number[]): Buffer {
  const windows = new Map<number, number[]>();
  for (const type of types) windows.set(type >> 8, [...(windows.get(type >> 8) ?? []), type & 0xff]);
  return cat(
    ...[...windows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([window, lows]) => {
        const bitmap = Buffer.alloc(Math.max(...lows) / 8 + 1);
        for (const low of lows) bitmap[low >> 3] |= 0x80 >> (low & 7);
        return cat(u8(window), u8(bitmap.length), bitmap);
      }),
  );
}

/** SVCB/HTTPS SvcParams: key, length, value. */
export const svcParam = (key: number, value: Buffer) => cat(u16(key), u16(value.length), value);
