import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseTable } from '../../lib/bgp/table/table-file-loader.ts';
import { FIXTURE_DIR, fixtureMrt } from '../testkit/bgp/fixture-table.ts';
import { Segment, Subtype, asPath, attribute, mrtRecord, nextHop, originIgp, peerIndexTable, ribRecord, type Peer } from '../testkit/bgp/mrt-writer.ts';
import { bgpdumpOutput, inPieces, routesOf } from '../testkit/bgp/table-helpers.ts';
import { randomRib } from '../testkit/bgp/random-rib.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

const T = 1_700_000_000;
const { AS_SEQUENCE, AS_CONFED_SEQUENCE, AS_CONFED_SET } = Segment;

const parseMrt = (content: Buffer) => parseTable(inPieces(content));

const PEER: Peer = { bgpId: '192.0.2.1', address: '192.0.2.1', asn: 64496 };
const withPeer = (...records: Buffer[]) => Buffer.concat([peerIndexTable(T, '192.0.2.254', '', [PEER]), ...records]);
const route = (path: Buffer, pathId?: number) => ({
  peerIndex: 0,
  originatedTime: T,
  pathId,
  attributes: [originIgp(), path, nextHop('192.0.2.1')],
});

describe('MRT fixture', () => {
  it('rib.mrt and rib.mrt.gz are what the byte-level writer produces', async () => {
    const expected = fixtureMrt();
    assert.deepEqual(await readFile(new URL('rib.mrt', FIXTURE_DIR)), expected);
    assert.deepEqual(gunzipSync(await readFile(new URL('rib.mrt.gz', FIXTURE_DIR))), expected);
  });
});

describe('MRT records', () => {
  it('reads ADD-PATH RIB entries (RFC 8050): several paths of one peer become MOAS', async () => {
    const { table } = await parseMrt(
      withPeer(
        ribRecord(T, Subtype.RIB_IPV4_UNICAST_ADDPATH, 0, '10.0.0.0', 8, [
          route(asPath([[AS_SEQUENCE, [64496, 64500]]]), 1),
          route(asPath([[AS_SEQUENCE, [64496, 64501]]]), 2),
        ]),
      ),
    );
    assert.deepEqual(routesOf(table), ['10.0.0.0/8 64500 64501']);
  });

  it('skips multicast RIBs and records of other MRT types', async () => {
    const { table } = await parseMrt(
      withPeer(
        ribRecord(T, Subtype.RIB_IPV4_MULTICAST, 0, '10.0.0.0', 8, [route(asPath([[AS_SEQUENCE, [64509]]]))]),
        mrtRecord(T, 4, Buffer.from('BGP4MP state change, ignored'), 16),
        ribRecord(T, Subtype.RIB_IPV4_UNICAST, 1, '192.0.2.0', 24, [route(asPath([[AS_SEQUENCE, [64500]]]))]),
      ),
    );
    assert.deepEqual(routesOf(table), ['192.0.2.0/24 64500']);
  });

  it('takes the origin from the last non-confederation segment; none at all means the peer', async () => {
    const { table } = await parseMrt(
      withPeer(
        ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '10.0.0.0', 8, [
          route(
            asPath([
              [AS_SEQUENCE, [64500]],
              [AS_CONFED_SET, [65001]],
            ]),
          ),
        ]),
        ribRecord(T, Subtype.RIB_IPV4_UNICAST, 1, '10.1.0.0', 16, [route(asPath([[AS_CONFED_SEQUENCE, [65001, 65002]]]))]),
        ribRecord(T, Subtype.RIB_IPV4_UNICAST, 2, '10.2.0.0', 16, [{ peerIndex: 0, originatedTime: T, attributes: [originIgp()] }]),
      ),
    );
    assert.deepEqual(routesOf(table), ['10.0.0.0/8 64500', '10.1.0.0/16 64496', '10.2.0.0/16 64496']);
  });

  const broken: [string, () => Buffer, RegExp][] = [
    [
      'a RIB record before the PEER_INDEX_TABLE',
      () => ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '10.0.0.0', 8, [route(asPath([[AS_SEQUENCE, [64500]]]))]),
      /before the PEER_INDEX_TABLE/,
    ],
    [
      'a peer index beyond the table',
      () => withPeer(ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '10.0.0.0', 8, [{ ...route(asPath([])), peerIndex: 1 }])),
      /peer index 1/,
    ],
    ['an IPv4 prefix longer than 32', () => withPeer(ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '10.0.0.0', 33, [route(asPath([]))])), /IPv4 prefix length 33/],
    [
      'an AS_PATH of 2-byte ASNs',
      () => {
        // One AS_SEQUENCE of two 2-byte ASNs: 4 value bytes where 4-byte ASNs need 8.
        const twoByte = attribute(0x40, 2, Buffer.from([AS_SEQUENCE, 2, 0xfb, 0xf0, 0xfb, 0xf4]));
        return withPeer(ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '10.0.0.0', 8, [{ ...route(asPath([])), attributes: [twoByte] }]));
      },
      /past the end|not 4-byte/,
    ],
    [
      'an unknown AS_PATH segment type',
      () => withPeer(ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '10.0.0.0', 8, [route(asPath([[7, [64500]]]))])),
      /segment type 7/,
    ],
    [
      'a file cut inside a record',
      () => withPeer(ribRecord(T, Subtype.RIB_IPV4_UNICAST, 0, '10.0.0.0', 8, [route(asPath([]))])).subarray(0, -3),
      /ends inside an MRT record/,
    ],
    ['an implausible record length', () => Buffer.concat([withPeer(), Buffer.from([0, 0, 0, 0, 0, 13, 0, 2, 0xff, 0xff, 0xff, 0xff])]), /not plausible/],
    ['BGP4MP updates instead of a RIB', () => mrtRecord(T, 4, Buffer.alloc(20), 16), /BGP4MP records are not a TABLE_DUMP_V2/],
    ['TABLE_DUMP (version 1)', () => mrtRecord(T, 1, Buffer.alloc(20), 12), /TABLE_DUMP records/],
    ['a RIB file without routes', () => withPeer(), /no routes/],
  ];
  for (const [what, content, message] of broken) {
    it(`rejects ${what}`, async () => {
      await assert.rejects(parseMrt(content()), { name: 'DataFormatError', message });
    });
  }

  it('reads the same routes whatever chunks the file comes in, records cut anywhere, and names the offset of a bad one', async () => {
    const rib = randomRib(7, 60);
    const whole = routesOf((await parseMrt(rib)).table);
    for (const size of [1, 5, 12, 13, 100, 4096]) {
      assert.deepEqual(routesOf((await parseTable(inPieces(rib, size))).table), whole, `chunks of ${size} bytes`);
    }
    const badAt = rib.length;
    const bad = Buffer.concat([rib, mrtRecord(T, Subtype.RIB_IPV4_UNICAST, Buffer.from([0, 0, 0, 0, 99]))]);
    for (const size of [1, 7, 4096]) {
      await assert.rejects(parseTable(inPieces(bad, size)), { name: 'DataFormatError', position: { offset: badAt } }, `chunks of ${size} bytes`);
    }
  });
});

describe('cross-check with Debian’s bgpdump', () => {
  const dir = temporaryFolder('fedidig-mrt-');

  it('reads the fixture RIB as bgpdump does, and bgpdump.txt is its output', async (t) => {
    const file = fileURLToPath(new URL('rib.mrt', FIXTURE_DIR));
    const text = await bgpdumpOutput(t, file);
    if (text === undefined) return;
    assert.deepEqual(text, await readFile(new URL('bgpdump.txt', FIXTURE_DIR)));
    const fromMrt = await parseMrt(await readFile(file));
    const fromText = await parseTable(inPieces(text));
    assert.equal(fromText.format, 'bgpdump');
    assert.deepEqual(routesOf(fromMrt.table), routesOf(fromText.table));
  });

  for (const seed of [1, 2, 3]) {
    it(`reads a random RIB (seed ${seed}) as bgpdump does`, async (t) => {
      const file = join(dir(), `random-${seed}.mrt`);
      const rib = randomRib(seed, 400);
      await writeFile(file, rib);
      const text = await bgpdumpOutput(t, file);
      if (text === undefined) return;
      const fromMrt = await parseMrt(rib);
      const fromText = await parseTable(inPieces(text));
      assert.ok(fromMrt.table.ipv4Prefixes > 100 && fromMrt.table.ipv6Prefixes > 50);
      assert.deepEqual(routesOf(fromMrt.table), routesOf(fromText.table));
    });
  }
});
