import { formatIpAddress } from '../../net/ip-address.ts';
import { RecordType as T, recordTypeName } from '../record-types.ts';
import type { Rdata } from '../resolver.ts';
import type { WireReader } from './reader.ts';

type Decoder = (rdata: WireReader) => Rdata;

/** The types the bot does not read itself are kept as dig prints them. */
const text = (data: string): Rdata => ({ kind: 'presented', text: data });

/** A name from the wire in presentation form, with a trailing dot; odd octets as \DDD. */
export function presentName(labels: readonly Buffer[]): string {
  if (labels.length === 0) return '.';
  return `${labels.map(presentLabel).join('.')}.`;
}

function presentLabel(label: Buffer): string {
  let out = '';
  for (const octet of label) {
    if (octet === 0x2e || octet === 0x5c || octet === 0x22 || octet === 0x28 || octet === 0x29 || octet === 0x3b || octet === 0x40 || octet === 0x24) {
      out += `\\${String.fromCharCode(octet)}`;
    } else if (octet > 0x20 && octet < 0x7f) out += String.fromCharCode(octet);
    else out += `\\${octet.toString().padStart(3, '0')}`;
  }
  return out;
}

/** A <character-string> quoted; UTF-8 is kept readable, quotes and backslashes escaped. */
function quoted(bytes: Buffer): string {
  return quote(decodeText(bytes));
}

function quote(decoded: string): string {
  return `"${decoded.replace(/["\\]/g, '\\$&')}"`;
}

function decodeText(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

const hex = (bytes: Buffer) => (bytes.length ? bytes.toString('hex').toUpperCase() : '-');
const base64 = (bytes: Buffer) => bytes.toString('base64');
const name = (r: WireReader) => presentName(r.name());

function timestamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The type bit maps of NSEC and NSEC3 (RFC 4034 §4.1.2). */
function typeBitmaps(r: WireReader): string {
  const types: string[] = [];
  while (r.remaining > 0) {
    const window = r.u8();
    const bitmap = r.bytes(r.u8());
    bitmap.forEach((octet, i) => {
      for (let bit = 0; bit < 8; bit++) if (octet & (0x80 >> bit)) types.push(recordTypeName(window * 256 + i * 8 + bit));
    });
  }
  return types.join(' ');
}

function characterStrings(r: WireReader): Rdata {
  const strings: Buffer[] = [];
  while (r.remaining > 0) strings.push(r.characterString());
  return { kind: 'texts', texts: strings.map(decodeText) };
}

const base32hexDigits = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
function base32hex(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const octet of bytes) {
    value = (value << 8) | octet;
    bits += 8;
    while (bits >= 5) {
      out += base32hexDigits[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32hexDigits[(value << (5 - bits)) & 31];
  return out;
}

const svcParamKeys = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath', 'ohttp'];

function svcParam(key: number, value: WireReader): string {
  const keyName = svcParamKeys[key] ?? `key${key}`;
  switch (keyName) {
    case 'mandatory': {
      const keys: string[] = [];
      while (value.remaining > 0) {
        const mandatoryKey = value.u16();
        keys.push(svcParamKeys[mandatoryKey] ?? `key${mandatoryKey}`);
      }
      return `${keyName}=${keys.join(',')}`;
    }
    case 'alpn': {
      const ids: string[] = [];
      while (value.remaining > 0) ids.push(decodeText(value.characterString()).replace(/[,\\]/g, '\\$&'));
      return `${keyName}=${ids.join(',')}`;
    }
    case 'no-default-alpn':
    case 'ohttp':
      return keyName;
    case 'port':
      return `${keyName}=${value.u16()}`;
    case 'ipv4hint': {
      const addresses: string[] = [];
      while (value.remaining > 0) addresses.push([...value.bytes(4)].join('.'));
      return `${keyName}=${addresses.join(',')}`;
    }
    case 'ipv6hint': {
      const addresses: string[] = [];
      while (value.remaining > 0) addresses.push(formatIpAddress({ version: 6, bytes: value.bytes(16) }));
      return `${keyName}=${addresses.join(',')}`;
    }
    case 'ech':
      return `${keyName}=${base64(value.rest())}`;
    default:
      return `${keyName}=${quoted(value.rest())}`;
  }
}

/** RFC 1876 LOC: size and precision are a mantissa and a power of ten, in centimetres. */
function locSize(octet: number): string {
  const centimetres = (octet >> 4) * 10 ** (octet & 0x0f);
  return `${(centimetres / 100).toFixed(2).replace(/\.00$/, '')}m`;
}

function locAngle(raw: number, positive: string, negative: string): string {
  let value = raw - 2 ** 31;
  const hemisphere = value < 0 ? negative : positive;
  value = Math.abs(value);
  const degrees = Math.floor(value / 3_600_000);
  const minutes = Math.floor((value % 3_600_000) / 60_000);
  const seconds = ((value % 60_000) / 1000).toFixed(3);
  return `${degrees} ${minutes} ${seconds} ${hemisphere}`;
}

// Addresses are copied out of the message: a cached record must not keep the whole message alive.
const decoders = new Map<number, Decoder>([
  [T.A, (r) => ({ kind: 'address', address: { version: 4, bytes: Uint8Array.from(r.bytes(4)) } })],
  [T.AAAA, (r) => ({ kind: 'address', address: { version: 6, bytes: Uint8Array.from(r.bytes(16)) } })],
  [T.NS, (r) => ({ kind: 'name', target: name(r) })],
  [T.CNAME, (r) => ({ kind: 'name', target: name(r) })],
  [T.DNAME, (r) => ({ kind: 'name', target: name(r) })],
  [T.PTR, (r) => ({ kind: 'name', target: name(r) })],
  [T.MX, (r) => ({ kind: 'mx', preference: r.u16(), exchange: name(r) })],
  [T.SOA, (r) => ({ kind: 'soa', mname: name(r), rname: name(r), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() })],
  [T.TXT, characterStrings],
  [T.SPF, characterStrings],
  [T.HINFO, (r) => text(`${quoted(r.characterString())} ${quoted(r.characterString())}`)],
  [T.SRV, (r) => text(`${r.u16()} ${r.u16()} ${r.u16()} ${name(r)}`)],
  [T.NAPTR, (r) => text(`${r.u16()} ${r.u16()} ${quoted(r.characterString())} ${quoted(r.characterString())} ${quoted(r.characterString())} ${name(r)}`)],
  [T.CAA, (r) => text(`${r.u8()} ${decodeText(r.characterString())} ${quoted(r.rest())}`)],
  [T.URI, (r) => text(`${r.u16()} ${r.u16()} ${quoted(r.rest())}`)],
  [T.DS, (r) => text(`${r.u16()} ${r.u8()} ${r.u8()} ${hex(r.rest())}`)],
  [T.CDS, (r) => text(`${r.u16()} ${r.u8()} ${r.u8()} ${hex(r.rest())}`)],
  [T.DNSKEY, (r) => text(`${r.u16()} ${r.u8()} ${r.u8()} ${base64(r.rest())}`)],
  [T.CDNSKEY, (r) => text(`${r.u16()} ${r.u8()} ${r.u8()} ${base64(r.rest())}`)],
  [
    T.RRSIG,
    (r) =>
      text(`${recordTypeName(r.u16())} ${r.u8()} ${r.u8()} ${r.u32()} ${timestamp(r.u32())} ${timestamp(r.u32())} ${r.u16()} ${name(r)} ${base64(r.rest())}`),
  ],
  [T.NSEC, (r) => text(`${name(r)} ${typeBitmaps(r)}`.trimEnd())],
  [T.NSEC3, (r) => text(`${r.u8()} ${r.u8()} ${r.u16()} ${hex(r.characterString())} ${base32hex(r.characterString())} ${typeBitmaps(r)}`.trimEnd())],
  [T.NSEC3PARAM, (r) => text(`${r.u8()} ${r.u8()} ${r.u16()} ${hex(r.characterString())}`)],
  [T.TLSA, (r) => text(`${r.u8()} ${r.u8()} ${r.u8()} ${hex(r.rest())}`)],
  [T.SMIMEA, (r) => text(`${r.u8()} ${r.u8()} ${r.u8()} ${hex(r.rest())}`)],
  [T.SSHFP, (r) => text(`${r.u8()} ${r.u8()} ${hex(r.rest())}`)],
  [T.SVCB, svcb],
  [T.HTTPS, svcb],
  [T.LOC, loc],
]);

function svcb(r: WireReader): Rdata {
  const parts = [String(r.u16()), name(r)];
  while (r.remaining > 0) {
    const key = r.u16();
    parts.push(svcParam(key, r.window(r.u16())));
  }
  return text(parts.join(' '));
}

function loc(r: WireReader): Rdata {
  const version = r.u8();
  if (version !== 0) throw new Error(`LOC version ${version}`);
  const size = r.u8();
  const horizontal = r.u8();
  const vertical = r.u8();
  const latitude = locAngle(r.u32(), 'N', 'S');
  const longitude = locAngle(r.u32(), 'E', 'W');
  const altitude = ((r.u32() - 10_000_000) / 100).toFixed(2);
  return text(`${latitude} ${longitude} ${altitude}m ${locSize(size)} ${locSize(horizontal)} ${locSize(vertical)}`);
}

/** RFC 3597 §5: `\# length hex`, for types without a presenter or RDATA that does not parse. */
export function genericRdata(bytes: Buffer): string {
  return bytes.length ? `\\# ${bytes.length} ${bytes.toString('hex').toUpperCase()}` : '\\# 0';
}

/**
 * Decodes the RDATA in `rdata` (a window of the message). Anything that does
 * not parse exactly is kept in the generic form instead of being dropped.
 */
export function decodeRdata(type: number, rdata: WireReader): Rdata {
  const decoder = decoders.get(type);
  const start = rdata.offset;
  if (decoder) {
    try {
      const decoded = decoder(rdata);
      if (rdata.remaining === 0) return decoded;
    } catch {
      // falls through to the generic form
    }
  }
  rdata.offset = start;
  return text(genericRdata(rdata.rest()));
}

/** Decoded RDATA in presentation (zone file) form, as dig prints it. */
export function presentRdata(rdata: Rdata): string {
  switch (rdata.kind) {
    case 'address':
      return formatIpAddress(rdata.address);
    case 'name':
      return rdata.target;
    case 'mx':
      return `${rdata.preference} ${rdata.exchange}`;
    case 'soa':
      return `${rdata.mname} ${rdata.rname} ${rdata.serial} ${rdata.refresh} ${rdata.retry} ${rdata.expire} ${rdata.minimum}`;
    case 'texts':
      return rdata.texts.map(quote).join(' ');
    case 'presented':
      return rdata.text;
  }
}
