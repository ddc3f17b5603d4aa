/**
 * `npm run lookup` through a real validating resolver (Unbound in front of
 * NSD, test/testkit/validating-resolver.ts): the AD bit of a validated
 * answer, SERVFAIL for data whose signature fails, and an unsigned zone,
 * as a resolver that validates reports them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { missingDnsSoftware } from '../testkit/nsd.ts';
import { LDNS_SIGNZONE, startValidatingResolver, UNBOUND, type ValidatingResolver } from '../testkit/validating-resolver.ts';

const run = promisify(execFile);
const lookup = async (upstream: string, question: string) =>
  (
    await run(process.execPath, ['--import', 'tsx', 'bot/lookup.ts', ...question.split(' ')], {
      env: { ...process.env, DOTENV_CONFIG_PATH: '/dev/null', DNS_UPSTREAM: upstream, DNS_CACHE_SIZE: '0', MAX_CHARACTERS: '5000' },
    })
  ).stdout;

describe('npm run lookup through a validating Unbound', { skip: missingDnsSoftware(UNBOUND, LDNS_SIGNZONE) }, () => {
  let resolver: ValidatingResolver;
  before(async () => {
    resolver = await startValidatingResolver();
  });
  after(() => resolver?.close());

  it('shows a signed answer as validated (AD)', async () => {
    const out = await lookup(resolver.address, 'www.signed.test');
    assert.match(out, /^www\.signed\.test\. 300 A 192\.0\.2\.81$/m);
    assert.match(out, /DNSSEC: validated by the resolver \(AD\)/);
  });

  it('shows a non-existent name in a signed zone as validated NXDOMAIN', async () => {
    const out = await lookup(resolver.address, 'nope.signed.test');
    assert.match(out, /does not exist \(NXDOMAIN\)/);
    assert.match(out, /validated by the resolver \(AD\)/);
  });

  it('gets SERVFAIL, and no data, for a record whose signature fails', async () => {
    const out = await lookup(resolver.address, 'bogus.signed.test');
    assert.match(out, /SERVFAIL/);
    assert.doesNotMatch(out, /192\.0\.2\.82/);
  });

  it('shows an unsigned zone’s answer as not validated, and the same data straight from the authoritative server', async () => {
    const out = await lookup(resolver.address, 'plain.test');
    assert.match(out, /^plain\.test\. 300 A 192\.0\.2\.90$/m);
    assert.match(out, /not validated \(no AD flag\)/);
    assert.match(await lookup(resolver.authoritative, 'bogus.signed.test'), /^bogus\.signed\.test\. 300 A 192\.0\.2\.82$/m);
  });
});
