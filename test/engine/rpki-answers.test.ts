/**
 * RPKI in BGP answers: each (prefix, origin AS) of an answer with its state
 * and what decided it, `help` and `info` lines, and BGP_RPKI's settings.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableFileSource } from '../../lib/bgp/sources/table-file-source.ts';
import { readEngineConfig } from '../../lib/engine/config.ts';
import { RipeStatError } from '../../lib/bgp/sources/ripestat-client.ts';
import { LookingGlass } from '../../lib/engine/looking-glass.ts';
import { silentLogger } from '../../lib/ops/logger.ts';
import type { RpkiSource } from '../../lib/bgp/rpki/rpki-source.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

describe('RPKI in BGP answers', () => {
  const dir = temporaryFolder('fedidig-rpki-');
  let engine: LookingGlass;
  const text = async (question: string) => (await engine.answer(question)).lines.map((l) => l.text).join('\n');
  before(async () => {
    // RIS riswhoisdump: 193.0.20.0/24 has two origins (MOAS).
    writeFileSync(
      join(dir(), 'riswhois.txt'),
      [
        '64500\t193.0.0.0/16\t300',
        '64501\t193.0.10.0/24\t250',
        '64502\t193.0.20.0/24\t250',
        '64503\t193.0.20.0/24\t250',
        '64504\t194.0.0.0/16\t9',
        '64510\t2a00:1000::/32\t200',
        '64511\t2a00:1000:1::/48\t200',
        '64500\t193.0.64.0/18\t9',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir(), 'vrps.json'),
      JSON.stringify({
        metadata: { buildtime: new Date(Date.now() - 2 * 3_600_000).toISOString() },
        roas: [
          { asn: 64500, prefix: '193.0.0.0/16', maxLength: 16, ta: 'ripe' },
          { asn: 64502, prefix: '193.0.20.0/24', maxLength: 24, ta: 'ripe' },
          { asn: 0, prefix: '2a00:1000::/32', maxLength: 48, ta: '＠evil' },
        ],
      }),
    );
    const config = readEngineConfig({ DNS_UPSTREAM: '127.0.0.1', BGP_SOURCE: `table:${join(dir(), 'riswhois.txt')}`, BGP_RPKI: join(dir(), 'vrps.json') });
    engine = await LookingGlass.open(config, { logger: silentLogger() });
  });
  after(() => {
    engine.close();
  });

  it('says valid with the matching VRP', async () => {
    assert.match(await text('bgp 193.0.0.0/16'), /^RPKI ✅ valid for AS64500: ROA AS64500 193\.0\.0\.0\/16 max \/16, ripe$/m);
  });

  it('says invalid and why: a more-specific beyond maxLength, an origin not authorised, per origin of a MOAS prefix', async () => {
    assert.match(
      await text('bgp 193.0.10.1'),
      /^193\.0\.10\.0\/24 announced by AS64501\nRPKI ❌ invalid for AS64501: origin not authorised; ROAs cover it for AS64500 \(193\.0\.0\.0\/16 max \/16\)$/m,
    );
    assert.match(
      await text('bgp 193.0.64.0/18'),
      /^RPKI ❌ invalid for AS64500: \/18 is longer than its ROA's maxLength \(AS64500 193\.0\.0\.0\/16 max \/16, ripe\)$/m,
    );
    const moas = await text('bgp 193.0.20.0/24');
    assert.match(moas, /^RPKI ✅ valid for AS64502: ROA AS64502 193\.0\.20\.0\/24 max \/24, ripe$/m);
    assert.match(
      moas,
      /^RPKI ❌ invalid for AS64503: origin not authorised; ROAs cover it for AS64502 \(193\.0\.20\.0\/24 max \/24\), AS64500 \(193\.0\.0\.0\/16 max \/16\)$/m,
    );
  });

  it('says what an AS0 ROA means, with its trust anchor as inert text', async () => {
    assert.match(
      await text('bgp 2a00:1000::1'),
      /^RPKI ❌ invalid for AS64510: origin not authorised; only AS0 ROAs cover it, which let no AS originate it: AS0 \(2a00:1000::\/32 max \/48\)$/m,
    );
    assert.match(await text('bgp 2a00:1000:1::/48'), /^RPKI ❌ invalid for AS64511: .*AS0/m);
  });

  it('says not found in words: no ROA, not a bad route', async () => {
    assert.match(
      await text('bgp 194.0.1.1'),
      /^RPKI ❔ not found for AS64504: no ROA covers 194\.0\.0\.0\/16 \(no sign of a bad route: its holder published none\)$/m,
    );
    assert.doesNotMatch(await text('bgp 195.0.0.1'), /RPKI/, 'an unrouted address has no route to validate');
  });

  it('tells of RPKI in help and of the VRPs and their age in info', async () => {
    assert.match(await text('help'), /with its RPKI state per origin AS \(RFC 6811\): valid, invalid and why, or not found/);
    assert.match(
      await text('info'),
      /^RPKI origin validation: JSON VRP file \(2 IPv4 and 1 IPv6 VRPs\), data from \d{4}-\d\d-\d\d \d\d:\d\d UTC \(2 h 0 min old\)$/m,
    );
  });

  it('refuses a VRP file that cannot be loaded with one line naming BGP_RPKI, and keeps RPKI out of answers when off', async () => {
    const broken = readEngineConfig({ DNS_UPSTREAM: '127.0.0.1', BGP_SOURCE: `table:${join(dir(), 'riswhois.txt')}`, BGP_RPKI: join(dir(), 'riswhois.txt') });
    await assert.rejects(LookingGlass.open(broken, { logger: silentLogger() }), /^ConfigError: BGP_RPKI: .*not a VRP file/);
    const off = await LookingGlass.open(readEngineConfig({ DNS_UPSTREAM: '127.0.0.1', BGP_SOURCE: `table:${join(dir(), 'riswhois.txt')}` }), {
      logger: silentLogger(),
    });
    try {
      assert.doesNotMatch((await off.answer('bgp 193.0.0.0/16')).lines.map((l) => l.text).join('\n'), /RPKI/);
      assert.doesNotMatch((await off.answer('help')).lines.map((l) => l.text).join('\n'), /RPKI/);
    } finally {
      off.close();
    }
  });

  it('still answers the route when the RPKI source fails, saying so', async () => {
    const failing: RpkiSource = {
      name: 'ripestat',
      validate: async () => {
        throw new RipeStatError('rpki-validation', { kind: 'status', status: 503 }, 'HTTP 503 <from /srv/secret>');
      },
      stats: async () => ({ source: 'RIPEstat (127.0.0.1)' }),
      close: () => {},
    };
    const bgp = await TableFileSource.open({ path: join(dir(), 'riswhois.txt'), onError: () => {} });
    const degraded = new LookingGlass(readEngineConfig({ DNS_UPSTREAM: '127.0.0.1' }), { bgp, rpki: failing });
    try {
      const answer = (await degraded.answer('bgp 193.0.0.0/16')).lines.map((l) => l.text).join('\n');
      assert.match(answer, /^193\.0\.0\.0\/16 announced by AS64500$/m);
      assert.match(answer, /^RPKI: the ripestat source did not answer \(RIPEstat answered HTTP 503\)\.$/m);
      assert.doesNotMatch(answer, /secret/, 'the error’s own text stays in the log');
    } finally {
      degraded.close();
    }
  });
});
