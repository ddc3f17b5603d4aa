/**
 * The one small routing table that every fixture under test/fixtures/bgp/
 * describes, each in its own format, and the MRT bytes of it. The format
 * tests check that each file loads to exactly these routes.
 */

import { Segment, Subtype, asPath, mpReachNextHop, nextHop, originIgp, peerIndexTable, ribRecord, type Peer } from './mrt-writer.ts';

export const FIXTURE_DIR = new URL('../../fixtures/bgp/', import.meta.url);

/** 2023-11-14T22:13:20Z, the time of the dump in the MRT and bgpdump fixtures. */
export const DUMP_TIME = 1_700_000_000;

/** Every route as `prefix origins…`, in table order (IPv4 then IPv6, by network then length). */
export const FIXTURE_ROUTES = [
  '10.0.0.0/8 64500',
  '10.1.0.0/16 64501',
  '10.1.2.0/23 64502 64503', // two peers see different origins: MOAS
  '10.1.2.128/25 64504 64505', // an AS_SET origin
  '100.64.0.0/10 64506', // the path starts with a confederation segment
  '192.0.2.0/24 4200000000', // a 4-byte ASN
  '198.51.100.0/22 64507', // the AS_PATH attribute has the extended-length flag
  '203.0.113.0/24 64496', // an empty AS_PATH: originated by the peer itself
  '2001:db8::/32 64510',
  '2001:db8:1::/48 64511 64512',
  '2001:db8:1:2::/64 64513 64514',
  '2001:db8:ffff::1/128 64515',
];

const PEERS: readonly Peer[] = [
  { bgpId: '192.0.2.1', address: '192.0.2.1', asn: 64496 }, // peer type 0: IPv4, 2-byte AS
  { bgpId: '192.0.2.2', address: '2001:db8::1', asn: 4200000001 }, // type 3: IPv6, 4-byte AS
  { bgpId: '198.51.100.1', address: '198.51.100.1', asn: 64497, as4: true }, // type 2: IPv4, AS in 4 bytes
];

const { AS_SEQUENCE, AS_SET, AS_CONFED_SEQUENCE } = Segment;
const v4 = (path: Buffer, hop = '192.0.2.1') => [originIgp(), path, nextHop(hop)];
const v6 = (path: Buffer) => [originIgp(), path, mpReachNextHop('2001:db8::1')];
const entry = (peerIndex: number, attributes: Buffer[]) => ({ peerIndex, originatedTime: DUMP_TIME - 3600, attributes });

/** The MRT TABLE_DUMP_V2 RIB file of FIXTURE_ROUTES, as committed in rib.mrt. */
export function fixtureMrt(): Buffer {
  const t = DUMP_TIME;
  const ipv4 = (seq: number, prefix: string, length: number, entries: ReturnType<typeof entry>[]) =>
    ribRecord(t, Subtype.RIB_IPV4_UNICAST, seq, prefix, length, entries);
  const ipv6 = (seq: number, prefix: string, length: number, entries: ReturnType<typeof entry>[]) =>
    ribRecord(t, Subtype.RIB_IPV6_UNICAST, seq, prefix, length, entries);
  return Buffer.concat([
    peerIndexTable(t, '192.0.2.254', 'fixture', PEERS),
    ipv4(0, '10.0.0.0', 8, [entry(0, v4(asPath([[AS_SEQUENCE, [64496, 64500]]]))), entry(2, v4(asPath([[AS_SEQUENCE, [64497, 64500]]]), '198.51.100.1'))]),
    ipv4(1, '10.1.0.0', 16, [entry(0, v4(asPath([[AS_SEQUENCE, [64496, 64501]]])))]),
    ipv4(2, '10.1.2.0', 23, [entry(0, v4(asPath([[AS_SEQUENCE, [64496, 64502]]]))), entry(2, v4(asPath([[AS_SEQUENCE, [64497, 64503]]]), '198.51.100.1'))]),
    ipv4(3, '10.1.2.128', 25, [
      entry(
        0,
        v4(
          asPath([
            [AS_SEQUENCE, [64496]],
            [AS_SET, [64505, 64504]],
          ]),
        ),
      ),
    ]),
    ipv4(4, '100.64.0.0', 10, [
      entry(
        0,
        v4(
          asPath([
            [AS_CONFED_SEQUENCE, [65001, 65002]],
            [AS_SEQUENCE, [64499, 64506]],
          ]),
        ),
      ),
    ]),
    ipv4(5, '192.0.2.0', 24, [entry(1, v4(asPath([[AS_SEQUENCE, [4200000001, 4200000000]]]), '192.0.2.2'))]),
    ipv4(6, '198.51.100.0', 22, [entry(0, v4(asPath([[AS_SEQUENCE, [64496, 64507]]], true)))]),
    ipv4(7, '203.0.113.0', 24, [entry(0, v4(asPath([])))]),
    ipv6(8, '2001:db8::', 32, [entry(1, v6(asPath([[AS_SEQUENCE, [4200000001, 64510]]])))]),
    ipv6(9, '2001:db8:1::', 48, [entry(1, v6(asPath([[AS_SEQUENCE, [4200000001, 64511]]]))), entry(0, v6(asPath([[AS_SEQUENCE, [64496, 64512]]])))]),
    ipv6(10, '2001:db8:1:2::', 64, [
      entry(
        1,
        v6(
          asPath([
            [AS_SEQUENCE, [4200000001]],
            [AS_SET, [64514, 64513]],
          ]),
        ),
      ),
    ]),
    ipv6(11, '2001:db8:ffff::1', 128, [entry(1, v6(asPath([[AS_SEQUENCE, [4200000001, 64515]]])))]),
  ]);
}
