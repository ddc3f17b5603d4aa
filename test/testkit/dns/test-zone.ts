import { cat, hex, str, svcParam, typeBitmap, u16, u32, u8, wireName } from './rdata.ts';

/**
 * The zone the test DNS server answers. Types dns2 can encode are given as
 * dns2 fields (so its encoder is exercised); the others as raw RDATA built in
 * rdata.ts. `expected` is the presentation form a correct decoder prints.
 */
export interface ZoneRecord {
  readonly name: string;
  readonly type: number;
  readonly ttl: number;
  readonly fields: Record<string, unknown>;
  readonly expected: string;
}

const rr = (name: string, type: number, fields: Record<string, unknown>, expected: string, ttl = 3600): ZoneRecord => ({ name, type, ttl, fields, expected });
const raw = (name: string, type: number, data: Buffer, expected: string, ttl = 3600): ZoneRecord => rr(name, type, { data }, expected, ttl);

export const ZONE = 'example.test';
const Z = ZONE;
export const SOA_RECORD = rr(
  Z,
  6,
  { primary: `ns1.${Z}`, admin: `hostmaster.${Z}`, serial: 2026112501, refresh: 7200, retry: 3600, expiration: 1209600, minimum: 300 },
  `ns1.${Z}. hostmaster.${Z}. 2026112501 7200 3600 1209600 300`,
);

const dnskey =
  'AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU=';

export const zoneRecords: ZoneRecord[] = [
  SOA_RECORD,
  rr(Z, 1, { address: '192.0.2.1' }, '192.0.2.1', 300),
  rr(Z, 28, { address: '2001:db8::1' }, '2001:db8::1', 300),
  rr(Z, 2, { ns: `ns1.${Z}` }, `ns1.${Z}.`),
  rr(Z, 15, { priority: 10, exchange: `mail.${Z}` }, `10 mail.${Z}.`),
  rr(Z, 15, { priority: 20, exchange: `backup.${Z}` }, `20 backup.${Z}.`),
  rr(Z, 16, { data: ['v=spf1 -all'] }, '"v=spf1 -all"'),
  rr(Z, 99, { data: ['v=spf1 -all'] }, '"v=spf1 -all"'),
  rr(Z, 257, { flags: 0, tag: 'issue', value: 'letsencrypt.org' }, '0 issue "letsencrypt.org"'),
  rr(Z, 48, { flags: 257, protocol: 3, algorithm: 8, key: dnskey }, `257 3 8 ${dnskey}`),
  raw(
    Z,
    43,
    cat(u16(60485), u8(8), u8(2), hex('d4b7d520e7bb5f0f67674a0cceb1e3e0614b93c4f9e99b8383f6a1e4469da50a')),
    '60485 8 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A',
  ),
  raw(
    Z,
    46,
    cat(u16(1), u8(13), u8(2), u32(300), u32(1798761600), u32(1796083200), u16(12345), wireName(Z), Buffer.from('signature')),
    `A 13 2 300 20270101000000 20261201000000 12345 ${Z}. c2lnbmF0dXJl`,
  ),
  raw(Z, 47, cat(wireName(`a.${Z}`), typeBitmap([1, 2, 6, 46, 47, 48, 257])), `a.${Z}. A NS SOA RRSIG NSEC DNSKEY CAA`),
  raw(Z, 51, cat(u8(1), u8(0), u16(0), u8(0)), '1 0 0 -'),
  raw(
    Z,
    44,
    cat(u8(4), u8(2), hex('123456789abcdef67890123456789abcdef67890123456789abcdef123456789')),
    '4 2 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789',
  ),
  raw(Z, 64, cat(u16(1), wireName(`svc.${Z}`), svcParam(1, cat(str('h2'), str('h3'))), svcParam(3, u16(8443))), `1 svc.${Z}. alpn=h2,h3 port=8443`),
  raw(
    Z,
    65,
    cat(u16(1), u8(0), svcParam(1, str('h2')), svcParam(4, hex('c0000201')), svcParam(6, hex('20010db8000000000000000000000001'))),
    '1 . alpn=h2 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1',
  ),
  raw(Z, 35, cat(u16(100), u16(10), str('S'), str('SIP+D2U'), str(''), wireName(`_sip._udp.${Z}`)), `100 10 "S" "SIP+D2U" "" _sip._udp.${Z}.`),
  raw(Z, 256, cat(u16(10), u16(1), Buffer.from('https://www.example.test/')), '10 1 "https://www.example.test/"'),
  raw(Z, 13, cat(str('RISC-V'), str('Linux')), '"RISC-V" "Linux"'),
  // RFC 1876 example values: 52°22'23"N 4°53'32"E, -2m, size 1m (0x12 = 1e2 cm), hp 10000m, vp 10m.
  raw(
    Z,
    29,
    cat(
      u8(0),
      u8(0x12),
      u8(0x16),
      u8(0x13),
      u32(2 ** 31 + (52 * 3600 + 22 * 60 + 23) * 1000),
      u32(2 ** 31 + (4 * 3600 + 53 * 60 + 32) * 1000),
      u32(10_000_000 - 200),
    ),
    '52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m',
  ),
  raw(Z, 65280, hex('deadbeef'), '\\# 4 DEADBEEF'),
  rr(`_sip._tcp.${Z}`, 33, { priority: 10, weight: 60, port: 5060, target: `sip.${Z}` }, `10 60 5060 sip.${Z}.`),
  raw(
    `_443._tcp.${Z}`,
    52,
    cat(u8(3), u8(1), u8(1), hex('0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6')),
    '3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6',
  ),
  rr(`_dmarc.${Z}`, 16, { data: ['v=DMARC1; p=reject; rua=mailto:dmarc@example.test'] }, '"v=DMARC1; p=reject; rua=mailto:dmarc@example.test"'),
  rr(`www.${Z}`, 5, { domain: `web.${Z}` }, `web.${Z}.`),
  rr(`web.${Z}`, 5, { domain: Z }, `${Z}.`),
  raw(`old.${Z}`, 39, wireName(`new.test`), 'new.test.'),
  rr(`xn--caf-dma.${Z}`, 1, { address: '192.0.2.7' }, '192.0.2.7'),
  rr(
    `long.${Z}`,
    16,
    { data: Array.from({ length: 6 }, (_, i) => `${String(i).repeat(8)} ${'lorem ipsum dolor sit amet '.repeat(9)}`.slice(0, 250)) },
    '(long)',
  ),
  rr(`evil.${Z}`, 16, { data: ['@someone@example.social #tag', 'hi\u202e\u0007\u200bthere @admin look https://x.test/ <b>bold</b> &amp;'] }, '(evil)'),
  rr(`signed.${Z}`, 1, { address: '192.0.2.53' }, '192.0.2.53'),
  rr(`truncated.${Z}`, 16, { data: Array.from({ length: 8 }, (_, i) => `${i}`.repeat(200)) }, '(big)'),
  rr(`spoofed.${Z}`, 1, { address: '192.0.2.99' }, '192.0.2.99'),
  rr(`1.2.0.192.in-addr.arpa`, 12, { domain: Z }, `${Z}.`),
  rr(`1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa`, 12, { domain: Z }, `${Z}.`),
  // Team Cymru's IP-to-ASN records (lib/bgp/cymru-source.ts), one TXT per covering prefix.
  rr('8.8.8.8.origin.asn.cymru.com', 16, { data: ['15169 | 8.8.8.0/24 | US | arin | 1992-12-01'] }, '(cymru)'),
  rr('8.8.8.8.origin.asn.cymru.com', 16, { data: ['15169 | 8.0.0.0/9 | US | arin | 1992-12-01'] }, '(cymru)'),
  rr('1.1.1.1.origin.asn.cymru.com', 16, { data: ['13335 64500 | 1.1.1.0/24 | AU | apnic | 2011-08-11'] }, '(cymru)'),
  rr(
    `${'8888'.padStart(20, '0').split('').reverse().join('.')}.0.6.8.4.0.6.8.4.1.0.0.2.origin6.asn.cymru.com`,
    16,
    { data: ['15169 | 2001:4860::/32 | US | arin | 2005-03-14'] },
    '(cymru)',
  ),
  rr('AS15169.asn.cymru.com', 16, { data: ['15169 | US | arin | 2000-03-30 | GOOGLE - Google LLC, US'] }, '(cymru)'),
  rr('AS13335.asn.cymru.com', 16, { data: ['13335 | US | arin | 2010-07-14 | CLOUDFLARENET - Cloudflare, Inc., US'] }, '(cymru)'),
  rr('AS64500.asn.cymru.com', 16, { data: ['64500 | ZZ | other | 2020-01-01 | EVIL @admin@example.social #tag'] }, '(cymru)'),
  rr('8.8.8.8.in-addr.arpa', 12, { domain: 'dns.google' }, 'dns.google.'),
];

/** Names that misbehave on purpose. */
export const SERVFAIL_NAME = `servfail.${Z}`;
export const REFUSED_NAME = `refused.${Z}`;
export const SILENT_NAME = `timeout.${Z}`;
export const SIGNED_NAME = `signed.${Z}`;
export const TRUNCATED_NAME = `truncated.${Z}`;
export const SPOOFED_NAME = `spoofed.${Z}`;
/** Answers A with one of two addresses in turn, TTL 1, as a CDN's pools rotate. */
export const ROTATING_NAME = `rotating.${Z}`;
export const ROTATING_ADDRESSES = ['192.0.2.10', '192.0.2.11'];
