/**
 * Route origin validation against hand-checked VRPs (RFC 6811, RFC 6483 §4
 * for AS0), and the VRP file formats: rpki-client and Routinator JSON,
 * Routinator CSV and csvcompat, in pieces of any size (gzip: vrp-file-source.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPrefix, parseIpAddress } from '../../../lib/net/ip-address.ts';
import type { RouteValidity } from '../../../lib/bgp/rpki/rpki-source.ts';
import { parseVrps } from '../../../lib/bgp/rpki/vrp-file-loader.ts';
import type { VrpSet } from '../../../lib/bgp/rpki/vrp-set.ts';
import { cidr, inPieces } from '../../testkit/bgp/table-helpers.ts';

/** rpki-client's `-j` output: numeric ASNs, every ROA with its trust anchor and expiry, other arrays after. */
const RPKI_CLIENT_JSON = `{
	"metadata": {
		"buildmachine": "rpki.example",
		"buildtime": "2026-11-30T10:00:00Z",
		"vrps": 9,
		"uniquevrps": 8
	},
	"roas": [
		{ "asn": 13335, "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic", "expires": 1796040000 },
		{ "asn": 13335, "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic", "expires": 1796040000 },
		{ "asn": 64500, "prefix": "192.0.0.0/16", "maxLength": 20, "ta": "ripe", "expires": 1796040000 },
		{ "asn": 64501, "prefix": "192.0.0.0/16", "maxLength": 16, "ta": "ripe", "expires": 1796040000 },
		{ "asn": 64502, "prefix": "192.0.8.0/22", "maxLength": 24, "ta": "ripe", "expires": 1796040000 },
		{ "asn": 0, "prefix": "198.18.0.0/15", "maxLength": 32, "ta": "arin", "expires": 1796040000 },
		{ "asn": 0, "prefix": "203.0.112.0/22", "maxLength": 24, "ta": "apnic", "expires": 1796040000 },
		{ "asn": 64503, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "apnic", "expires": 1796040000 },
		{ "asn": 64510, "prefix": "2001:db8::/32", "maxLength": 48, "ta": "ripe", "expires": 1796040000 },
		{ "asn": 4200000000, "prefix": "2001:db8:1::/48", "ta": "ripe", "expires": 1796040000 }
	],
	"bgpsec_keys": [{ "asn": 64500, "ski": "00", "pubkey": "AA==", "ta": "ripe", "expires": 1796040000 }],
	"nonfunc_cas": [],
	"aspas": [{ "customer_asid": 64500, "expires": 1796040000, "providers": [64501] }]
}
`;

/** The same VRPs as Routinator writes `--format csv`. */
const ROUTINATOR_CSV = `ASN,IP Prefix,Max Length,Trust Anchor
AS13335,1.1.1.0/24,24,apnic
AS64500,192.0.0.0/16,20,ripe
AS64501,192.0.0.0/16,16,ripe
AS64502,192.0.8.0/22,24,ripe
AS0,198.18.0.0/15,32,arin
AS0,203.0.112.0/22,24,apnic
AS64503,203.0.113.0/24,24,apnic
AS64510,2001:db8::/32,48,ripe
AS4200000000,2001:db8:1::/48,48,ripe
`;

const load = async (content: string | Buffer, pieceSize?: number) => parseVrps(inPieces(Buffer.from(content), pieceSize));
const ip = (text: string) => parseIpAddress(text)!;

/** The state of `prefix` from `origin`, in one word with what decided it. */
function check(vrps: VrpSet, route: string, origin: number): string {
  const [address, length] = route.split('/');
  return summary(vrps.validate(ip(address!), Number(length), origin));
}

function summary(validity: RouteValidity): string {
  switch (validity.state) {
    case 'valid':
      return `valid ${formatPrefix(validity.vrp.prefix)}-${validity.vrp.maxLength} AS${validity.vrp.asn}`;
    case 'not-found':
      return 'not-found';
    case 'invalid':
      return validity.reason === 'length'
        ? `invalid length ${formatPrefix(validity.vrp.prefix)}-${validity.vrp.maxLength} AS${validity.vrp.asn}`
        : `invalid origin ${validity.covering.map((vrp) => `${formatPrefix(vrp.prefix)}-${vrp.maxLength}:AS${vrp.asn}`).join(' ')}`;
  }
}

describe('route origin validation (RFC 6811)', async () => {
  const { vrps } = await load(RPKI_CLIENT_JSON);

  it('matches a VRP exactly, by prefix, origin and length', () => {
    assert.equal(check(vrps, '1.1.1.0/24', 13335), 'valid 1.1.1.0/24-24 AS13335');
    assert.equal(check(vrps, '1.1.1.0/24', 64500), 'invalid origin 1.1.1.0/24-24:AS13335');
    assert.equal(check(vrps, '1.1.0.0/24', 13335), 'not-found', 'a neighbour is not covered');
    assert.equal(check(vrps, '1.1.0.0/23', 13335), 'not-found', 'a less specific is not covered');
  });

  it('allows more-specifics up to maxLength and no further', () => {
    assert.equal(check(vrps, '1.1.1.128/25', 13335), 'invalid length 1.1.1.0/24-24 AS13335');
    assert.equal(check(vrps, '192.0.0.0/16', 64500), 'valid 192.0.0.0/16-20 AS64500');
    assert.equal(check(vrps, '192.0.16.0/20', 64500), 'valid 192.0.0.0/16-20 AS64500');
    assert.equal(check(vrps, '192.0.16.0/21', 64500), 'invalid length 192.0.0.0/16-20 AS64500');
  });

  it('looks at every VRP covering the route, at every level', () => {
    // AS64501's /16 allows only the /16; AS64502's /22 inside it allows up to /24.
    assert.equal(check(vrps, '192.0.0.0/16', 64501), 'valid 192.0.0.0/16-16 AS64501');
    assert.equal(check(vrps, '192.0.17.0/24', 64501), 'invalid length 192.0.0.0/16-16 AS64501');
    assert.equal(check(vrps, '192.0.9.0/24', 64502), 'valid 192.0.8.0/22-24 AS64502');
    // The covering /16 authorises AS64500 up to /20: a /21 inside the /22 is valid from neither.
    assert.equal(check(vrps, '192.0.8.0/21', 64502), 'invalid origin 192.0.0.0/16-20:AS64500 192.0.0.0/16-16:AS64501');
    assert.equal(check(vrps, '192.0.9.0/24', 64500), 'invalid length 192.0.0.0/16-20 AS64500');
    assert.equal(check(vrps, '192.0.9.0/24', 64999), 'invalid origin 192.0.8.0/22-24:AS64502 192.0.0.0/16-20:AS64500 192.0.0.0/16-16:AS64501');
  });

  it('never validates an origin against an AS0 VRP, nor AS 0 as an origin', () => {
    assert.equal(check(vrps, '198.18.0.0/24', 0), 'invalid origin 198.18.0.0/15-32:AS0');
    assert.equal(check(vrps, '198.18.0.0/15', 64500), 'invalid origin 198.18.0.0/15-32:AS0');
    // An AS0 ROA beside a real one takes nothing from it.
    assert.equal(check(vrps, '203.0.113.0/24', 64503), 'valid 203.0.113.0/24-24 AS64503');
    assert.equal(check(vrps, '203.0.112.0/24', 64503), 'invalid origin 203.0.112.0/22-24:AS0');
    assert.equal(check(vrps, '203.0.113.0/24', 0), 'invalid origin 203.0.113.0/24-24:AS64503 203.0.112.0/22-24:AS0');
  });

  it('validates IPv6 routes, a missing maxLength being the prefix length', () => {
    assert.equal(check(vrps, '2001:db8::/32', 64510), 'valid 2001:db8::/32-48 AS64510');
    assert.equal(check(vrps, '2001:db8:ffff::/48', 64510), 'valid 2001:db8::/32-48 AS64510');
    assert.equal(check(vrps, '2001:db8:ffff::/49', 64510), 'invalid length 2001:db8::/32-48 AS64510');
    assert.equal(check(vrps, '2001:db8:1::/48', 4200000000), 'valid 2001:db8:1::/48-48 AS4200000000');
    assert.equal(check(vrps, '2001:db8:1::/56', 4200000000), 'invalid length 2001:db8:1::/48-48 AS4200000000');
    assert.equal(check(vrps, '2001:db9::/32', 64510), 'not-found');
    assert.equal(check(vrps, '1.1.1.0/24', 64510), 'invalid origin 1.1.1.0/24-24:AS13335', 'families stay apart');
  });

  it('keeps a VRP given twice once, and says which trust anchor it came from', () => {
    assert.deepEqual([vrps.ipv4Vrps, vrps.ipv6Vrps], [7, 2]);
    assert.deepEqual(vrps.validate(ip('1.1.1.0'), 24, 13335), {
      origin: 13335,
      state: 'valid',
      vrp: { prefix: cidr('1.1.1.0/24'), maxLength: 24, asn: 13335, ta: 'apnic' },
    });
  });

  it('refuses a route that is no prefix', () => {
    assert.throws(() => vrps.validate(ip('1.1.1.0'), 33, 13335), { name: 'InvalidBgpQueryError' });
    assert.throws(() => vrps.validate({ version: 4, bytes: Uint8Array.of(1, 1, 1) }, 24, 13335), { name: 'InvalidBgpQueryError' });
  });
});

describe('VRP files', () => {
  /** Every VRP of a set as the states of the hand-checked routes: equal sets give equal lists. */
  const fingerprint = (vrps: VrpSet) =>
    ['1.1.1.0/24 13335', '192.0.16.0/20 64500', '192.0.9.0/24 64502', '198.18.0.0/24 0', '2001:db8::/40 64510', '2001:db8:1::/48 4200000000'].map((probe) => {
      const [route, origin] = probe.split(' ');
      return check(vrps, route!, Number(origin));
    });

  it('reads rpki-client JSON with its build time, in pieces of any size', async () => {
    const whole = await load(RPKI_CLIENT_JSON);
    assert.equal(whole.format, 'json');
    assert.deepEqual(whole.dataTime, new Date('2026-11-30T10:00:00Z'));
    for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(fingerprint((await load(RPKI_CLIENT_JSON, size)).vrps), fingerprint(whole.vrps), `pieces of ${size}`);
  });

  it('reads Routinator JSON and jsonext: ASNs as text, its generated time, nested sources skipped', async () => {
    const routinator = JSON.stringify({
      metadata: { generated: 1796032800, generatedTime: '2026-11-30T10:00:00Z' },
      roas: ROUTINATOR_CSV.trim()
        .split('\n')
        .slice(1)
        .map((line) => {
          const [asn, prefix, maxLength, ta] = line.split(',');
          return { asn, prefix, maxLength: Number(maxLength), source: [{ type: 'roa', uri: `rsync://${ta}.example/a"b\\c.roa`, validity: {} }] };
        }),
      routerKeys: [],
    });
    const { vrps, format, dataTime } = await load(routinator, 5);
    assert.equal(format, 'json');
    assert.deepEqual(dataTime, new Date('2026-11-30T10:00:00Z'));
    assert.deepEqual(fingerprint(vrps), fingerprint((await load(RPKI_CLIENT_JSON)).vrps));
    // jsonext names no trust anchor.
    assert.deepEqual(vrps.validate(ip('1.1.1.0'), 24, 13335), {
      origin: 13335,
      state: 'valid',
      vrp: { prefix: cidr('1.1.1.0/24'), maxLength: 24, asn: 13335 },
    });
  });

  it('reads Routinator CSV and csvcompat', async () => {
    const expected = fingerprint((await load(RPKI_CLIENT_JSON)).vrps);
    const csv = await load(ROUTINATOR_CSV, 3);
    assert.equal(csv.format, 'csv');
    assert.equal(csv.dataTime, undefined);
    assert.deepEqual(fingerprint(csv.vrps), expected);
    const compat = ROUTINATOR_CSV.replace(/AS(\d)/g, '$1')
      .split('\n')
      .map((line) =>
        line
          ? line
              .split(',')
              .map((field) => `"${field}"`)
              .join(',')
          : line,
      )
      .join('\r\n');
    assert.deepEqual(fingerprint((await load(compat)).vrps), expected);
  });

  it('says what is wrong with a broken file, and where', async () => {
    const broken = async (content: string | Buffer) =>
      (
        await load(content).then(
          () => assert.fail('loaded'),
          (error: Error) => error,
        )
      ).message;
    assert.match(await broken(RPKI_CLIENT_JSON.slice(0, 500)), /the JSON ends early|a string does not end/);
    assert.match(
      await broken(RPKI_CLIENT_JSON.replace('"192.0.0.0/16", "maxLength": 20', '"192.0.0.0/16", "maxLength": 12')),
      /^roas\[2\]: maxLength 12 does not fit 192\.0\.0\.0\/16/,
    );
    assert.match(await broken(RPKI_CLIENT_JSON.replace('"1.1.1.0/24"', '"1.1.1.0/33"')), /^roas\[0\]: not a prefix: 1\.1\.1\.0\/33/);
    assert.match(await broken(RPKI_CLIENT_JSON.replace('"asn": 64501', '"asn": "ASX"')), /^roas\[3\]: not an AS number: "ASX"/);
    assert.match(await broken(RPKI_CLIENT_JSON.replace('"ta": "arin",', '"ta": "arin",,')), /unexpected “,/);
    assert.match(await broken(`${RPKI_CLIENT_JSON}{}`), /unexpected “\{}” at character/);
    assert.match(await broken('{"metadata": {}}'), /no “roas” array/);
    assert.match(await broken('{"roas": []}'), /no VRPs in the file/);
    assert.match(await broken('{"roas": [13335]}'), /roas\[0\] is not an object/);
    assert.match(await broken(ROUTINATOR_CSV.replace('AS64502,192.0.8.0/22,24', 'AS64502,192.0.8.0/22,twenty')), /not a maxLength: twenty \(line 5\)/);
    assert.match(await broken('64500 193.0.0.0/16 300\n'), /not a VRP file/);
    assert.match(await broken(' \n'), /no VRPs in the file/);
  });
});
