/** AS numbers and origin lists as the text table formats write them. */

const CHAR_0 = 48;
const CHAR_9 = 57;
const MAX_ASN = 0xffffffff;
const MAX_ASDOT_HALF = 0xffff;

/**
 * Parses an AS number in `text[start, end)`: asplain (`4200000000`) or asdot
 * (`64086.59904`, RFC 5396). Returns -1 when it is not one.
 */
export function parseAsn(text: string, start = 0, end = text.length): number {
  let value = 0;
  let high = -1; // the part before an asdot `.`
  if (start === end) return -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && high < 0 && i > start && i < end - 1) {
      if (value > MAX_ASDOT_HALF) return -1;
      high = value;
      value = 0;
      continue;
    }
    if (c < CHAR_0 || c > CHAR_9) return -1;
    value = value * 10 + (c - CHAR_0);
    if (value > MAX_ASN) return -1;
  }
  if (high < 0) return value;
  return value > MAX_ASDOT_HALF ? -1 : high * 0x10000 + value;
}

/** An AS number with or without `AS` in front (`AS13335`, `13335`), as VRP files write it; -1 when it is none. */
export function parseAsText(text: string): number {
  const prefixed = text.length > 2 && (text.charCodeAt(0) | 0x20) === 97 /* a */ && (text.charCodeAt(1) | 0x20) === 115; /* s */
  return parseAsn(text, prefixed ? 2 : 0);
}

/**
 * Parses the origin field of RIS and CAIDA dumps in `text[start, end)`: one
 * ASN, an AS set written `{64500,64501}` (RIS) or `64500,64501` (CAIDA), or
 * several origins seen for the prefix written `64500_64501` (CAIDA MOAS).
 * All of them become the prefix's origins. Returns undefined when invalid.
 */
export function parseOriginList(text: string, start: number, end: number): number[] | undefined {
  if (text.charCodeAt(start) === 123 /* { */ && text.charCodeAt(end - 1) === 125 /* } */) {
    start++;
    end--;
  }
  const origins: number[] = [];
  let itemStart = start;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 44;
    if (c !== 44 /* , */ && c !== 95 /* _ */) continue;
    const asn = parseAsn(text, itemStart, i);
    if (asn < 0) return undefined;
    origins.push(asn);
    itemStart = i + 1;
  }
  return origins;
}
