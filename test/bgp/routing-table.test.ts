import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatIpv4, formatIpv6, type IpPrefix } from '../../lib/net/ip-address.ts';
import { cidr } from '../testkit/bgp/table-helpers.ts';
import { RoutingTableBuilder } from '../../lib/bgp/table/routing-table-builder.ts';
import { NO_ROUTE, type RoutingTable } from '../../lib/bgp/table/routing-table.ts';

/** A route as the reference sees it: the prefix as a BigInt range. */
interface Entry {
  readonly bits: 32 | 128;
  readonly net: bigint;
  readonly length: number;
  readonly origins: readonly number[];
}

function mask(bits: number, length: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - length)) - 1n);
}

function covers(entry: Entry, address: bigint): boolean {
  return (address & mask(entry.bits, entry.length)) === entry.net;
}

function text(bits: number, value: bigint): string {
  if (bits === 32) return formatIpv4(Number(value));
  const words = [96n, 64n, 32n, 0n].map((shift) => Number((value >> shift) & 0xffffffffn));
  return formatIpv6(words);
}

/** Brute force: the longest entry covering the address, origins merged over duplicates. */
function referenceMatch(entries: readonly Entry[], address: bigint, maxLength = 128): { prefix: IpPrefix; origins: number[] } | undefined {
  let best = -1;
  for (const entry of entries) {
    if (entry.length <= maxLength && entry.length > best && covers(entry, address)) best = entry.length;
  }
  if (best < 0) return undefined;
  const same = entries.filter((entry) => entry.length === best && covers(entry, address));
  const origins = [...new Set(same.flatMap((entry) => entry.origins))].sort((a, b) => a - b);
  return { prefix: cidr(`${text(same[0]!.bits, same[0]!.net)}/${best}`), origins };
}

function referenceMoreSpecifics(entries: readonly Entry[], net: bigint, length: number, bits: number): number {
  const inside = entries.filter((entry) => entry.length > length && (entry.net & mask(bits, length)) === net);
  return new Set(inside.map((entry) => `${entry.net}/${entry.length}`)).size;
}

function build(entries: readonly Entry[]): RoutingTable {
  const builder = new RoutingTableBuilder();
  for (const entry of entries) {
    assert.ok(builder.addPrefix(`${text(entry.bits, entry.net)}/${entry.length}`, entry.origins));
  }
  return builder.build();
}

/**
 * Values clustered around a few bases, so that generated prefixes nest and
 * queries land inside them; plus the two ends of the space.
 */
function clustered(bits: 32 | 128): fc.Arbitrary<bigint[]> {
  const max = (1n << BigInt(bits)) - 1n;
  return fc.array(fc.bigInt({ min: 0n, max }), { minLength: 1, maxLength: 4 }).chain((bases) =>
    fc.array(
      fc.oneof(
        fc
          .tuple(fc.constantFrom(...bases), fc.integer({ min: 0, max: bits }), fc.bigInt({ min: 0n, max }))
          .map(([base, noiseBits, noise]) => base ^ (noise & ((1n << BigInt(noiseBits)) - 1n))),
        fc.constantFrom(0n, max),
      ),
      { minLength: 1, maxLength: 40 },
    ),
  );
}

function entriesAndQueries(bits: 32 | 128): fc.Arbitrary<{ entries: Entry[]; queries: bigint[] }> {
  return clustered(bits).chain((values) =>
    fc.record({
      entries: fc.array(
        fc
          .record({
            value: fc.constantFrom(...values),
            length: fc.integer({ min: 0, max: bits }),
            origins: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 2 }),
          })
          .map(({ value, length, origins }): Entry => ({ bits, net: value & mask(bits, length), length, origins })),
        { maxLength: 30 },
      ),
      queries: fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 20 }),
    }),
  );
}

for (const bits of [32, 128] as const) {
  describe(`longest-prefix match against brute force, IPv${bits === 32 ? 4 : 6}`, () => {
    it('matches addresses like the reference', () => {
      fc.assert(
        fc.property(entriesAndQueries(bits), ({ entries, queries }) => {
          const table = build(entries);
          for (const query of queries) {
            // An IPv4-mapped address (::ffff:0:0/96) is looked up as the IPv4 address it carries, and these tables hold
            // routes of one family: no match, whatever covers it in IPv6 (the mapped tests below give it IPv4 routes).
            const mapped = bits === 128 && query >> 32n === 0xffffn;
            assert.deepEqual(table.matchAddress(text(bits, query)), mapped ? undefined : referenceMatch(entries, query), text(bits, query));
          }
        }),
        { numRuns: 300 },
      );
    });

    it('finds the covering prefix and counts more-specifics like the reference', () => {
      fc.assert(
        fc.property(entriesAndQueries(bits), fc.integer({ min: 0, max: bits }), ({ entries, queries }, length) => {
          const table = build(entries);
          for (const query of queries) {
            const net = query & mask(bits, length);
            const answer = table.matchPrefix(text(bits, query), length);
            assert.deepEqual(answer.prefix, cidr(`${text(bits, net)}/${length}`));
            assert.deepEqual(answer.covering, referenceMatch(entries, net, length));
            assert.equal(answer.moreSpecifics, referenceMoreSpecifics(entries, net, length, bits));
          }
        }),
        { numRuns: 300 },
      );
    });

    it('counts prefixes and origin ASes like the reference', () => {
      fc.assert(
        fc.property(entriesAndQueries(bits), ({ entries }) => {
          const table = build(entries);
          const distinct = new Map<string, Set<number>>();
          for (const entry of entries) {
            const key = `${entry.net}/${entry.length}`;
            distinct.set(key, new Set([...(distinct.get(key) ?? []), ...entry.origins]));
          }
          assert.equal(bits === 32 ? table.ipv4Prefixes : table.ipv6Prefixes, distinct.size);
          assert.equal(bits === 32 ? table.ipv6Prefixes : table.ipv4Prefixes, 0);
          const allOrigins = new Set([...distinct.values()].flatMap((set) => [...set]));
          assert.equal(table.originAsns, allOrigins.size);
          for (let asn = 1; asn <= 6; asn++) {
            const expected = [...distinct.values()].filter((set) => set.has(asn)).length;
            const counts = table.originatedBy(asn);
            assert.deepEqual(counts, bits === 32 ? { ipv4: expected, ipv6: 0 } : { ipv4: 0, ipv6: expected });
          }
        }),
        { numRuns: 200 },
      );
    });
  });
}

describe('routing table, worked example', () => {
  const builder = new RoutingTableBuilder();
  builder.addPrefix('10.0.0.0/8', [64500]);
  builder.addPrefix('10.1.0.0/16', [64501]);
  builder.addPrefix('10.1.2.0/24', [64502]);
  builder.addPrefix('10.1.2.0/24', [64503]); // another peer, another origin: MOAS
  builder.addPrefix('10.1.2.128/25', [64505, 64504]); // an AS_SET origin
  builder.addPrefix('2001:db8::/32', [64510]);
  builder.addPrefix('2001:db8:1::/48', [64511]);
  builder.addPrefix('2001:db8:1::1/128', [64512]);
  const table = builder.build();

  it('answers the longest match with all origins', () => {
    assert.deepEqual(table.matchAddress('10.1.2.3'), { prefix: cidr('10.1.2.0/24'), origins: [64502, 64503] });
    assert.deepEqual(table.matchAddress('10.1.2.200'), { prefix: cidr('10.1.2.128/25'), origins: [64504, 64505] });
    assert.deepEqual(table.matchAddress('10.1.3.0'), { prefix: cidr('10.1.0.0/16'), origins: [64501] });
    assert.deepEqual(table.matchAddress('10.200.0.1'), { prefix: cidr('10.0.0.0/8'), origins: [64500] });
    assert.equal(table.matchAddress('11.0.0.1'), undefined);
    assert.deepEqual(table.matchAddress('2001:db8:1::1'), { prefix: cidr('2001:db8:1::1/128'), origins: [64512] });
    assert.deepEqual(table.matchAddress('2001:db8:1::2'), { prefix: cidr('2001:db8:1::/48'), origins: [64511] });
    assert.deepEqual(table.matchAddress('2001:DB8:ffff::'), { prefix: cidr('2001:db8::/32'), origins: [64510] });
  });

  it('looks IPv4-mapped IPv6 addresses and prefixes up as IPv4', () => {
    assert.deepEqual(table.matchAddress('::ffff:10.1.2.3'), { prefix: cidr('10.1.2.0/24'), origins: [64502, 64503] });
    assert.deepEqual(table.matchAddress('::ffff:a01:203'), { prefix: cidr('10.1.2.0/24'), origins: [64502, 64503] });
    assert.deepEqual(table.matchPrefix('::ffff:10.1.0.0', 112), {
      prefix: cidr('10.1.0.0/16'),
      covering: { prefix: cidr('10.1.0.0/16'), origins: [64501] },
      moreSpecifics: 2,
    });
  });

  it('answers prefixes with their covering route and more-specifics', () => {
    assert.deepEqual(table.matchPrefix('10.0.0.0', 8).moreSpecifics, 3);
    assert.deepEqual(table.matchPrefix('10.1.2.0', 23), {
      prefix: cidr('10.1.2.0/23'),
      covering: { prefix: cidr('10.1.0.0/16'), origins: [64501] },
      moreSpecifics: 2,
    });
    assert.deepEqual(table.matchPrefix('10.99.0.0', 16).moreSpecifics, 0);
    assert.equal(table.matchPrefix('0.0.0.0', 0).covering, undefined);
    assert.equal(table.matchPrefix('0.0.0.0', 0).moreSpecifics, 4);
    assert.equal(table.matchPrefix('2001:db8:1::', 48).moreSpecifics, 1);
    assert.deepEqual(table.matchPrefix('2001:db8:1::1', 128).covering?.prefix, cidr('2001:db8:1::1/128'));
  });

  it('gives dense handles, IPv4 first, and NO_ROUTE', () => {
    assert.equal(table.lookupIpv4(0x0a010203), 2); // 10.0.0.0/8, 10.1.0.0/16, then 10.1.2.0/24
    assert.equal(table.lookupIpv4(0x0b000000), NO_ROUTE);
    assert.deepEqual(table.route(table.lookupIpv6(0x20010db8, 0x00010000, 0, 1)).prefix, cidr('2001:db8:1::1/128'));
    assert.equal(table.lookupIpv6(0x20010db9, 0, 0, 0), NO_ROUTE);
  });

  it('counts prefixes per origin AS, MOAS counting for each', () => {
    assert.deepEqual(table.originatedBy(64502), { ipv4: 1, ipv6: 0 });
    assert.deepEqual(table.originatedBy(64503), { ipv4: 1, ipv6: 0 });
    assert.deepEqual(table.originatedBy(64511), { ipv4: 0, ipv6: 1 });
    assert.deepEqual(table.originatedBy(1), { ipv4: 0, ipv6: 0 });
    assert.equal(table.originAsns, 9);
    assert.equal(table.ipv4Prefixes, 4);
    assert.equal(table.ipv6Prefixes, 3);
  });

  it('refuses text that is not an address or prefix', () => {
    assert.throws(() => table.matchAddress('10.1.2'), { name: 'InvalidBgpQueryError' });
    assert.throws(() => table.matchAddress('fe80::1%eth0'), { name: 'InvalidBgpQueryError' });
    assert.throws(() => table.matchPrefix('10.0.0.0', 33), { name: 'InvalidBgpQueryError' });
    assert.throws(() => table.matchPrefix('2001:db8::', 129), { name: 'InvalidBgpQueryError' });
  });
});
