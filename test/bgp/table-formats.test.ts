import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { loadTableFile, parseTable } from '../../lib/bgp/table/table-file-loader.ts';
import { DUMP_TIME, FIXTURE_DIR, FIXTURE_ROUTES } from '../testkit/bgp/fixture-table.ts';
import { cidr, inPieces, routesOf } from '../testkit/bgp/table-helpers.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

const fixture = (name: string): string => fileURLToPath(new URL(name, FIXTURE_DIR));

describe('table files of every format load to the same table', () => {
  const cases = [
    { file: 'riswhoisdump.txt', format: 'ris-whois', dataTime: undefined },
    { file: 'prefix2as.txt', format: 'caida-prefix2as', dataTime: undefined },
    { file: 'bgpdump.txt', format: 'bgpdump', dataTime: new Date(DUMP_TIME * 1000) },
    { file: 'rib.mrt', format: 'mrt', dataTime: new Date(DUMP_TIME * 1000) },
  ] as const;
  for (const { file, format, dataTime } of cases) {
    for (const gzipped of [false, true]) {
      const name = gzipped ? `${file}.gz` : file;
      it(`${name}: ${format}${gzipped ? ', gzip' : ''}`, async () => {
        const loaded = await loadTableFile(fixture(name));
        assert.equal(loaded.format, format);
        assert.equal(loaded.gzipped, gzipped);
        assert.deepEqual(loaded.dataTime, dataTime);
        assert.deepEqual(routesOf(loaded.table), FIXTURE_ROUTES);
        assert.equal(loaded.table.originAsns, 16);
      });
    }
    it(`${file}: the same when the bytes arrive one at a time`, async () => {
      const { table } = await parseTable(inPieces(await readFile(fixture(file)), 1));
      assert.deepEqual(routesOf(table), FIXTURE_ROUTES);
    });
  }

  it('answers lookups on a loaded fixture', async () => {
    const { table } = await loadTableFile(fixture('rib.mrt.gz'));
    // Paths, visibility and upstreams have tests of their own (route-paths.test.ts).
    const withoutPaths = (address: string) => {
      const match = table.matchAddress(address);
      return match && { prefix: match.prefix, origins: match.origins };
    };
    assert.deepEqual(withoutPaths('10.1.2.200'), { prefix: cidr('10.1.2.128/25'), origins: [64504, 64505] });
    assert.deepEqual(withoutPaths('10.1.3.1'), { prefix: cidr('10.1.2.0/23'), origins: [64502, 64503] });
    assert.deepEqual(withoutPaths('203.0.113.9'), { prefix: cidr('203.0.113.0/24'), origins: [64496] });
    assert.deepEqual(withoutPaths('2001:db8:1:2::5'), { prefix: cidr('2001:db8:1:2::/64'), origins: [64513, 64514] });
    assert.equal(table.matchAddress('8.8.8.8'), undefined);
    assert.equal(table.matchPrefix('10.0.0.0', 8).moreSpecifics, 3);
    assert.deepEqual(table.originatedBy(64496), { ipv4: 1, ipv6: 0 });
  });
});

describe('text formats, line by line', () => {
  const parse = (text: string) => parseTable(inPieces(Buffer.from(text), 7));

  it('RIS: merges the lines of one prefix into MOAS and reads AS sets', async () => {
    const { table, format } = await parse('% c\n64500\t192.0.2.0/24\t5\n64501\t192.0.2.0/24\t3\n{64503,64502}\t2001:db8::/32\t1\n');
    assert.equal(format, 'ris-whois');
    assert.deepEqual(routesOf(table), ['192.0.2.0/24 64500 64501', '2001:db8::/32 64502 64503']);
  });

  it('CAIDA: reads `_` MOAS, `,` AS sets and both together', async () => {
    const { table } = await parse('192.0.2.0\t24\t64500_64501,64502\r\n198.51.100.0\t24\t64503\r\n');
    assert.deepEqual(routesOf(table), ['192.0.2.0/24 64500 64501 64502', '198.51.100.0/24 64503']);
  });

  it('clears host bits of a prefix', async () => {
    const { table } = await parse('64500\t192.0.2.77/24\t1\n');
    assert.deepEqual(routesOf(table), ['192.0.2.0/24 64500']);
  });

  it('bgpdump: reads asdot ASNs and skips confederation sets', async () => {
    const line = (path: string) => `TABLE_DUMP2|1700000000|B|192.0.2.1|64496|192.0.2.0/24|${path}|IGP|192.0.2.1|0|0||NAG||\n`;
    const { table } = await parse(line('64496 1.10 [65001,65002]'));
    assert.deepEqual(routesOf(table), ['192.0.2.0/24 65546']);
    // The largest ASN, written both ways; a peer AS in asdot.
    const last = await parse(`${line('64496 4294967295')}TABLE_DUMP2|1700000000|B|192.0.2.2|0.64497|198.51.100.0/24||IGP|192.0.2.2|0|0||NAG||\n`);
    assert.deepEqual(routesOf(last.table), ['192.0.2.0/24 4294967295', '198.51.100.0/24 64497']);
    assert.deepEqual(routesOf((await parse(line('64496 65535.65535'))).table), ['192.0.2.0/24 4294967295']);
  });

  it('bgpdump: a path of confederation segments only was originated by the peer’s AS', async () => {
    const line = 'TABLE_DUMP2|1700000000|B|192.0.2.1|64496|192.0.2.0/24|(65001 65002) [65003,65004]|IGP|192.0.2.1|0|0||NAG||\n';
    const { table } = await parse(line);
    assert.deepEqual(routesOf(table), ['192.0.2.0/24 64496']);
  });

  it('bgpdump: reads TABLE_DUMP, TABLE_DUMP2 and ADD-PATH lines, tells peers apart by address and AS, keeps the latest time', async () => {
    const { table, dataTime } = await parse(
      [
        'TABLE_DUMP2|1700000000|B|192.0.2.1|64496|192.0.2.0/24|64496 64500|IGP|192.0.2.1|0|0||NAG||',
        'TABLE_DUMP2|1700000100|B|192.0.2.1|64497|192.0.2.0/24|64497 64500|IGP|192.0.2.1|0|0||NAG||',
        'TABLE_DUMP2_AP|1700000300|B|2001:db8::1|64498|192.0.2.0/24|7|64498 64499 64500|IGP|2001:db8::1|0|0||NAG||',
        'TABLE_DUMP|1700000200|B|192.0.2.1|64496|198.51.100.0/24|64496 64501|IGP|192.0.2.1|0|0||NAG||',
        // Two peers whose `address|AS` texts have the same FNV-1a hash, the parser's key for finding a peer.
        'TABLE_DUMP2|1700000000|B|10.0.107.237|64496|203.0.113.0/24|64496 64502|IGP|10.0.107.237|0|0||NAG||',
        'TABLE_DUMP2|1700000000|B|10.2.219.40|64496|203.0.113.0/24|64496 64503 64502|IGP|10.2.219.40|0|0||NAG||',
        '',
      ].join('\n'),
    );
    assert.deepEqual(dataTime, new Date(1700000300 * 1000));
    assert.deepEqual(routesOf(table), ['192.0.2.0/24 64500', '198.51.100.0/24 64501', '203.0.113.0/24 64502']);
    const first = table.route(0).paths!;
    assert.deepEqual(first.visibility, { seenBy: 3, peers: 5 });
    assert.deepEqual(first.paths.map((path) => path.hops.join(' ')).sort(), ['64496 64500', '64497 64500', '64498 64499 64500']);
    assert.deepEqual(table.route(1).paths!.visibility, { seenBy: 1, peers: 5 });
    assert.deepEqual(table.route(2).paths!.visibility, { seenBy: 2, peers: 5 });
  });

  it('bgpdump: lists a route’s paths most seen first, the ADD-PATH entries of one path counted', async () => {
    const { table } = await parse(
      [
        'TABLE_DUMP2_AP|1700000000|B|192.0.2.1|64496|192.0.2.0/24|1|64496 64500|IGP|192.0.2.1|0|0||NAG||',
        'TABLE_DUMP2_AP|1700000000|B|192.0.2.2|64497|192.0.2.0/24|1|64497 64500|IGP|192.0.2.2|0|0||NAG||',
        'TABLE_DUMP2_AP|1700000000|B|192.0.2.2|64497|192.0.2.0/24|2|64497 64500|IGP|192.0.2.2|0|0||NAG||',
        '',
      ].join('\n'),
    );
    const seen = table.route(0).paths!;
    assert.deepEqual(
      seen.paths.map((path) => `${path.hops.join(' ')} ×${path.entries}`),
      ['64497 64500 ×2', '64496 64500 ×1'],
    );
    assert.deepEqual(seen.visibility, { seenBy: 2, peers: 2 });
  });

  const broken: [string, string, RegExp][] = [
    ['a RIS line with a bad origin', '64500\t192.0.2.0/24\t1\nAS1\t192.0.2.0/24\t1\n', /bad origin AS AS1 \(line 2\)/],
    ['a RIS line with a bad prefix', '64500\t192.0.2.0/33\t1\n', /bad prefix 192\.0\.2\.0\/33 \(line 1\)/],
    ['a RIS line with two fields', '% x\n64500\t192.0.2.0/24\t1\n64500\t192.0.2.0/24\n', /origin prefix peers.*\(line 3\)/],
    ['a CAIDA line with a bad length', '192.0.2.0\t24\t1\n192.0.2.0\t33\t1\n', /bad prefix 192\.0\.2\.0\/33 \(line 2\)/],
    ['a bgpdump update line', 'BGP4MP|1700000000|A|192.0.2.1|64496|192.0.2.0/24|64496|IGP|192.0.2.1|0|0||NAG||\n', /not a RIB entry \(BGP4MP\|A\)/],
    ['a bgpdump withdrawal of a RIB type', 'TABLE_DUMP2|1700000000|W|192.0.2.1|64496|192.0.2.0/24\n', /not a RIB entry \(TABLE_DUMP2\|W\)/],
    [
      'a bgpdump line of a type that only starts as one',
      'TABLE_DUMP2|1|B|192.0.2.1|64496|192.0.2.0/24|64496|IGP\nTABLE_DUMP2X|1|B|192.0.2.1|64496|192.0.2.0/24|64496|IGP\n',
      /not a RIB entry \(TABLE_DUMP2X\|B\).*\(line 2\)/,
    ],
    ['a bgpdump line with a bad path', 'TABLE_DUMP2|1|B|192.0.2.1|64496|192.0.2.0/24|64496 {645|IGP\n', /bad AS_PATH/],
    ['a bgpdump line cut short', 'TABLE_DUMP2|1|B|192.0.2.1|64496\n', /bgpdump -m/],
    [
      'a bgpdump path with an ASN past 32 bits',
      'TABLE_DUMP2|1|B|192.0.2.1|64496|192.0.2.0/24|64496 4294967296|IGP\n',
      /bad AS_PATH 64496 4294967296 \(line 1\)/,
    ],
    ['a bgpdump path with an AS written AS64500', 'TABLE_DUMP2|1|B|192.0.2.1|64496|192.0.2.0/24|64496 AS64500|IGP\n', /bad AS_PATH 64496 AS64500 \(line 1\)/],
    ['a bgpdump line with a bad peer AS', 'TABLE_DUMP2|1|B|192.0.2.1|64x96|192.0.2.0/24||IGP\n', /bad peer AS 64x96 \(line 1\)/],
    [
      'a bgpdump line whose prefix is bad after a good one of the same length',
      'TABLE_DUMP2|1|B|192.0.2.1|64496|192.0.2.0/24|64496|IGP\nTABLE_DUMP2|1|B|192.0.2.1|64496|192.0.2.0/33|64496|IGP\n',
      /bad prefix 192\.0\.2\.0\/33 \(line 2\)/,
    ],
    [
      'a bgpdump line whose prefix differs from the good one before only in its first character',
      'TABLE_DUMP2|1|B|192.0.2.1|64496|192.0.2.0/24|64496|IGP\nTABLE_DUMP2|1|B|192.0.2.1|64496|292.0.2.0/24|64496|IGP\n',
      /bad prefix 292\.0\.2\.0\/24 \(line 2\)/,
    ],
    ['no known format', 'hello world\n', /not a known table format/],
    ['only comments', '% nothing\n% here\n', /no routes/],
    ['an empty file', '', /no routes/],
    ['bzip2 content', 'BZh91AY&SY', /bzip2/],
  ];
  for (const [what, text, message] of broken) {
    it(`rejects ${what}`, async () => {
      await assert.rejects(parse(text), { name: 'DataFormatError', message });
    });
  }
});

describe('loading files', () => {
  const dir = temporaryFolder('fedidig-bgp-');

  it('rejects a truncated gzip file with DataFileLoadError', async () => {
    const gz = gzipSync(await readFile(fixture('riswhoisdump.txt')));
    const path = join(dir(), 'cut.gz');
    await writeFile(path, gz.subarray(0, gz.length - 10));
    await assert.rejects(loadTableFile(path), (error: Error) => {
      assert.equal(error.name, 'DataFileLoadError');
      assert.match(error.message, /cut\.gz/);
      assert.match(error.message, /unexpected end of file/);
      return true;
    });
  });

  it('rejects a missing file with DataFileLoadError', async () => {
    await assert.rejects(loadTableFile(join(dir(), 'none')), { name: 'DataFileLoadError', message: /ENOENT/ });
  });

  it('reports the stats of the file it read', async () => {
    const path = join(dir(), 'small.txt');
    await writeFile(path, '64500\t192.0.2.0/24\t1\n');
    const { stats } = await loadTableFile(path);
    assert.equal(stats.size, 21);
  });
});
