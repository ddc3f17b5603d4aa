/**
 * Writes MRT TABLE_DUMP_V2 records byte by byte after RFC 6396 (and RFC 8050
 * for ADD-PATH), for test fixtures. Every field is spelled out so a reader
 * can check the bytes against the RFC's figures.
 */

const TABLE_DUMP_V2 = 13;

export const Subtype = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV4_UNICAST_ADDPATH: 8,
} as const;

export const Segment = { AS_SET: 1, AS_SEQUENCE: 2, AS_CONFED_SEQUENCE: 3, AS_CONFED_SET: 4 } as const;

const u8 = (value: number): Buffer => Buffer.of(value);
const u16 = (value: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
};
const u32 = (value: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
};

/** An IPv4 or IPv6 address in network byte order. */
export function addressBytes(text: string): Buffer {
  if (text.includes('.')) return Buffer.from(text.split('.').map(Number));
  const [head = '', tail = ''] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = text.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return Buffer.concat(groups.map((group) => u16(parseInt(group, 16))));
}

/**
 * RFC 6396 §2 common header: timestamp (4), type (2), subtype (2),
 * length of the message that follows (4).
 */
export function mrtRecord(timestamp: number, subtype: number, body: Buffer, type = TABLE_DUMP_V2): Buffer {
  return Buffer.concat([u32(timestamp), u16(type), u16(subtype), u32(body.length), body]);
}

export interface Peer {
  readonly bgpId: string;
  readonly address: string;
  readonly asn: number;
  /** Write the AS in 4 bytes even when it fits in 2. */
  readonly as4?: boolean;
}

/**
 * RFC 6396 §4.3.1 PEER_INDEX_TABLE: collector BGP id (4), view name length
 * (2) and name, peer count (2), then per peer: peer type (1: bit 0 set for an
 * IPv6 address, bit 1 for a 4-byte AS), peer BGP id (4), peer address (4 or
 * 16), peer AS (2 or 4).
 */
export function peerIndexTable(timestamp: number, collectorId: string, viewName: string, peers: readonly Peer[]): Buffer {
  const entries = peers.map((peer) => {
    const ipv6 = peer.address.includes(':');
    const as4 = peer.as4 === true || peer.asn > 0xffff;
    const type = (ipv6 ? 0x01 : 0) | (as4 ? 0x02 : 0);
    return Buffer.concat([u8(type), addressBytes(peer.bgpId), addressBytes(peer.address), as4 ? u32(peer.asn) : u16(peer.asn)]);
  });
  const name = Buffer.from(viewName, 'utf8');
  const body = Buffer.concat([addressBytes(collectorId), u16(name.length), name, u16(peers.length), ...entries]);
  return mrtRecord(timestamp, Subtype.PEER_INDEX_TABLE, body);
}

export interface RibEntry {
  readonly peerIndex: number;
  readonly originatedTime: number;
  /** RFC 8050 path identifier, for the ADD-PATH subtypes only. */
  readonly pathId?: number;
  readonly attributes: readonly Buffer[];
}

/**
 * RFC 6396 §4.3.2 RIB_IPV4_UNICAST / RIB_IPV6_UNICAST: sequence number (4),
 * prefix length (1), prefix (only the ceil(length / 8) bytes that hold it),
 * entry count (2), then per entry (§4.3.4): peer index (2), originated time
 * (4), [RFC 8050: path identifier (4)], attribute length (2), attributes.
 */
export function ribRecord(timestamp: number, subtype: number, sequence: number, prefix: string, length: number, entries: readonly RibEntry[]): Buffer {
  const prefixBytes = addressBytes(prefix).subarray(0, Math.ceil(length / 8));
  const encoded = entries.map((entry) => {
    const attributes = Buffer.concat(entry.attributes);
    return Buffer.concat([
      u16(entry.peerIndex),
      u32(entry.originatedTime),
      entry.pathId === undefined ? Buffer.alloc(0) : u32(entry.pathId),
      u16(attributes.length),
      attributes,
    ]);
  });
  const body = Buffer.concat([u32(sequence), u8(length), prefixBytes, u16(entries.length), ...encoded]);
  return mrtRecord(timestamp, subtype, body);
}

/**
 * RFC 4271 §4.3 path attribute: flags (1: 0x80 optional, 0x40 transitive,
 * 0x10 extended length), type code (1), length (1, or 2 with extended
 * length), value.
 */
export function attribute(flags: number, type: number, value: Buffer): Buffer {
  const extended = (flags & 0x10) !== 0;
  return Buffer.concat([u8(flags), u8(type), extended ? u16(value.length) : u8(value.length), value]);
}

/** ORIGIN (type 1, well-known transitive): 0 IGP, 1 EGP, 2 INCOMPLETE. */
export const originIgp = (): Buffer => attribute(0x40, 1, u8(0));

/**
 * AS_PATH (type 2, well-known transitive): segments of type (1), ASN count
 * (1) and ASNs, 4 bytes each as RFC 6396 §4.3.4 requires in TABLE_DUMP_V2.
 */
export function asPath(segments: readonly (readonly [type: number, asns: readonly number[]])[], extendedLength = false): Buffer {
  const value = Buffer.concat(segments.map(([type, asns]) => Buffer.concat([u8(type), u8(asns.length), ...asns.map(u32)])));
  return attribute(extendedLength ? 0x50 : 0x40, 2, value);
}

/** NEXT_HOP (type 3, well-known transitive): an IPv4 address. */
export const nextHop = (address: string): Buffer => attribute(0x40, 3, addressBytes(address));

/**
 * MP_REACH_NLRI (type 14, optional) as RFC 6396 §4.3.4 abbreviates it in RIB
 * entries: only the next-hop length (1) and next hop.
 */
export function mpReachNextHop(address: string): Buffer {
  const hop = addressBytes(address);
  return attribute(0x80, 14, Buffer.concat([u8(hop.length), hop]));
}
