/**
 * `compare` through three real resolvers: two validating Unbounds that agree,
 * and one that censors as resolvers do, with a `redirect` local zone (a
 * sinkhole address) and an `always_nxdomain` one. What they answer is real;
 * what the bot makes of it is checked line by line.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { missingDnsSoftware } from '../testkit/dns/nsd.ts';
import { LDNS_SIGNZONE, startValidatingResolver, UNBOUND, type ValidatingResolver } from '../testkit/dns/validating-resolver.ts';

const run = promisify(execFile);

describe('compare: one question to every resolver', { skip: missingDnsSoftware(UNBOUND, LDNS_SIGNZONE) }, () => {
  let honest: ValidatingResolver;
  let censor: ValidatingResolver;
  let env: Record<string, string>;
  const lookup = async (question: string, extra: Record<string, string> = {}) =>
    (await run(process.execPath, ['--import', 'tsx', 'bot/lookup.ts', ...question.split(' ')], { env: { ...process.env, ...env, ...extra } })).stdout;

  before(async () => {
    [honest, censor] = await Promise.all([
      startValidatingResolver(),
      startValidatingResolver([
        'local-zone: "www.signed.test." redirect',
        'local-data: "www.signed.test. 300 A 198.51.100.66"',
        'local-zone: "plain.test." always_nxdomain',
      ]),
    ]);
    env = {
      DOTENV_CONFIG_PATH: '/dev/null',
      DNS_UPSTREAM: honest.address,
      DNS_PROFILES: `second=${honest.address},censor=${censor.address}`,
      DNS_CACHE_SIZE: '0',
      MAX_CHARACTERS: '5000',
    };
  });
  after(async () => {
    await honest?.close();
    await censor?.close();
  });

  it('says in one line that all agree, and shows the data once', async () => {
    const out = await lookup('signed.test compare');
    assert.match(out, /^🔎 signed\.test A, compared across 3 resolvers$/m);
    assert.match(out, /^✅ All 3 agree: NOERROR, validated \(AD\)\n192\.0\.2\.80\n📡 default \d+ ms, second \d+ ms, censor \d+ ms$/m);
  });

  it('names the resolver that alone gives a sinkhole address, without AD', async () => {
    const out = await lookup('www.signed.test compare');
    assert.match(out, /^default: NOERROR, AD, \d+ ms: 192\.0\.2\.81$/m);
    assert.match(out, /^second: NOERROR, AD, \d+ ms: 192\.0\.2\.81$/m);
    assert.match(out, /^censor: NOERROR, \d+ ms: 198\.51\.100\.66$/m);
    assert.match(out, /^⚠️ Where they differ:\n• censor alone gives other addresses \(a sinkhole, or another view of the name\)$/m);
  });

  it('names the resolver that alone says NXDOMAIN, with every spelling of the question', async () => {
    for (const question of ['plain.test compare', 'compare plain.test A', 'plain.test via all', 'dig plain.test A compare']) {
      const out = await lookup(question);
      assert.match(out, /^censor: NXDOMAIN, \d+ ms$/m, question);
      assert.match(out, /^• censor alone gives NXDOMAIN$/m, question);
    }
  });

  it('tells a resolver that did not answer, and keeps to DNS_COMPARE_MAX', async () => {
    const out = await lookup('signed.test compare', { DNS_PROFILES: `second=${honest.address},dead=127.0.0.1:1`, DNS_TIMEOUT_MS: '1000' });
    assert.match(out, /^dead: unreachable \(.+\)$/m);
    assert.match(out, /^• dead did not answer$/m);
    const capped = await lookup('signed.test compare', { DNS_COMPARE_MAX: '2' });
    assert.match(capped, /compared across 2 resolvers \(1 more configured: DNS_COMPARE_MAX\)/);
  });

  it('refuses a comparison of several types, or through one profile', async () => {
    assert.match(await lookup('signed.test A AAAA compare'), /a comparison takes one record type/);
    assert.match(await lookup('signed.test compare via censor'), /takes no “via NAME”/);
  });
});
