/**
 * RR type mnemonics and codes (IANA "Resource Record (RR) TYPEs" registry).
 * Types outside this table are still accepted as `TYPEnnn` (RFC 3597).
 */
const codes: Record<string, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  NULL: 10,
  WKS: 11,
  PTR: 12,
  HINFO: 13,
  MINFO: 14,
  MX: 15,
  TXT: 16,
  RP: 17,
  AFSDB: 18,
  SIG: 24,
  KEY: 25,
  AAAA: 28,
  LOC: 29,
  SRV: 33,
  NAPTR: 35,
  KX: 36,
  CERT: 37,
  DNAME: 39,
  OPT: 41,
  APL: 42,
  DS: 43,
  SSHFP: 44,
  IPSECKEY: 45,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  DHCID: 49,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SMIMEA: 53,
  HIP: 55,
  CDS: 59,
  CDNSKEY: 60,
  OPENPGPKEY: 61,
  CSYNC: 62,
  ZONEMD: 63,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  EUI48: 108,
  EUI64: 109,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  URI: 256,
  CAA: 257,
  DLV: 32769,
};

const mnemonics = new Map<number, string>(Object.entries(codes).map(([name, code]) => [code, name]));

/** Types that are not data and make no sense as a question to a resolver. */
const metaTypes = new Set([codes.OPT, codes.TKEY, codes.TSIG, codes.IXFR, codes.AXFR]);

export const RecordType = codes as Readonly<Record<string, number>>;

/** `MX` → 15, `type65` → 65; undefined when it is no type. */
export function recordTypeCode(text: string): number | undefined {
  const upper = text.toUpperCase();
  if (Object.hasOwn(codes, upper)) return codes[upper];
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  if (!generic) return undefined;
  const code = Number(generic[1]);
  return code <= 0xffff ? code : undefined;
}

/** 15 → `MX`, 65280 → `TYPE65280` (RFC 3597 §5). */
export function recordTypeName(code: number): string {
  return mnemonics.get(code) ?? `TYPE${code}`;
}

export function isQueryableType(code: number): boolean {
  return code > 0 && !metaTypes.has(code);
}
