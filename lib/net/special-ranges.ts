import { inPrefix, parseIpAddress, reverseZones, type IpAddress } from './ip-address.ts';

/**
 * Address ranges that are not routed on the Internet (IANA's special-purpose
 * registries, RFC 6890 and successors): a BGP question about them gets a
 * plain answer without a look-up. The INTERNAL ones hold addresses that mean
 * something only inside a network or a host, so their reverse zones are the
 * operator's own (forbidden-names.ts refuses them).
 */
const INTERNAL = true;
const ranges: [cidr: string, description: string, internal?: boolean][] = [
  ['0.0.0.0/8', '“this network” (RFC 791)', INTERNAL],
  ['10.0.0.0/8', 'private-use (RFC 1918)', INTERNAL],
  ['100.64.0.0/10', 'shared address space for carrier-grade NAT (RFC 6598)', INTERNAL],
  ['127.0.0.0/8', 'loopback (RFC 1122)', INTERNAL],
  ['169.254.0.0/16', 'link-local (RFC 3927)', INTERNAL],
  ['172.16.0.0/12', 'private-use (RFC 1918)', INTERNAL],
  ['192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', 'documentation, TEST-NET-1 (RFC 5737)'],
  ['192.168.0.0/16', 'private-use (RFC 1918)', INTERNAL],
  ['198.18.0.0/15', 'benchmarking (RFC 2544)'],
  ['198.51.100.0/24', 'documentation, TEST-NET-2 (RFC 5737)'],
  ['203.0.113.0/24', 'documentation, TEST-NET-3 (RFC 5737)'],
  ['224.0.0.0/4', 'multicast (RFC 5771)'],
  ['240.0.0.0/4', 'reserved (RFC 1112)'],
  ['::/128', 'the unspecified address (RFC 4291)'],
  ['::1/128', 'loopback (RFC 4291)', INTERNAL],
  ['::ffff:0:0/96', 'IPv4-mapped addresses (RFC 4291)', INTERNAL],
  ['64:ff9b:1::/48', 'local-use IPv4/IPv6 translation (RFC 8215)'],
  ['100::/64', 'discard-only (RFC 6666)'],
  ['2001:db8::/32', 'documentation (RFC 3849)'],
  ['3fff::/20', 'documentation (RFC 9637)'],
  ['fc00::/7', 'unique-local (RFC 4193)', INTERNAL],
  ['fe80::/10', 'link-local (RFC 4291)', INTERNAL],
  ['ff00::/8', 'multicast (RFC 4291)'],
];

const parsed = ranges.map(([cidr, description, internal = false]) => {
  const [address, length] = cidr.split('/');
  return { cidr, description, internal, network: parseIpAddress(address)!, length: Number(length) };
});

/** The special range containing `address/length` (length: the prefix asked, or a full address), if any. */
export function specialRange(address: IpAddress, length = address.bytes.length * 8): { cidr: string; description: string } | undefined {
  return parsed.find((range) => range.length <= length && inPrefix(address, range.network, range.length));
}

const globalUnicast = { network: parseIpAddress('2000::')!, length: 3 };
// Routed, but they carry a packet on to an address written inside them, which may be one of the above.
const tunnels = [
  ['2002::/16', '6to4, which tunnels to the IPv4 address inside it (RFC 3056)'],
  ['2001::/32', 'Teredo, which tunnels to the IPv4 address inside it (RFC 4380)'],
  ['192.88.99.0/24', 'the 6to4 relay anycast prefix (RFC 7526)'],
].map(([cidr, description]) => ({ network: parseIpAddress(cidr.split('/')[0])!, length: Number(cidr.split('/')[1]), description }));

/**
 * Why nothing may be sent to this address, or undefined when it is globally
 * routable: a special range, a tunnel that could lead into one, or IPv6
 * outside global unicast (RFC 4291 §2.4).
 */
export function unroutableReason(address: IpAddress): string | undefined {
  const special = specialRange(address);
  if (special) return special.description;
  const tunnel = tunnels.find((range) => inPrefix(address, range.network, range.length));
  if (tunnel) return tunnel.description;
  if (address.version === 6 && !inPrefix(address, globalUnicast.network, globalUnicast.length)) return 'outside IPv6 global unicast (2000::/3)';
  return undefined;
}

/**
 * The address rule of a guard that reaches servers others name (+trace's
 * name servers, RDAP's and RIPEstat's hosts): unroutable addresses refused,
 * or, in a lab (`allowPrivate`), none.
 */
export function refusedAddressRule(allowPrivate: boolean): (address: IpAddress) => string | undefined {
  return allowPrivate ? () => undefined : unroutableReason;
}

/** The reverse zones of the INTERNAL ranges (private-use, shared, loopback, link-local, unique-local, “this network”, IPv4-mapped). */
export const internalReverseZones: readonly string[] = parsed.filter((range) => range.internal).flatMap((range) => reverseZones(range.network, range.length));
