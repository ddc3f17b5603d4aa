import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { postLength } from '../../lib/reply/post-length.ts';
import { startDnsTestServer, type DnsTestServer } from '../testkit/dns/dns-test-server.ts';

const run = promisify(execFile);

describe('npm run lookup', () => {
  let server: DnsTestServer;
  const lookup = (args: string[], env: Record<string, string> = {}) =>
    run('npm', ['run', '--silent', 'lookup', '--', ...args], {
      env: { ...process.env, DOTENV_CONFIG_PATH: '/dev/null', DNS_UPSTREAM: server.address, ...env },
    });
  before(async () => {
    server = await startDnsTestServer();
  });
  after(() => server.close());

  it('prints the reply the bot would post', async () => {
    const { stdout } = await lookup(['example.test', 'MX']);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], '🔎 example.test MX');
    assert.deepEqual(lines.slice(1, 3), ['example.test. 3600 MX 10 mail.example.test.', 'example.test. 3600 MX 20 backup.example.test.']);
    assert.equal(lines[3], '🔓 DNSSEC: not validated (no AD flag).');
    assert.match(lines[4], new RegExp(`^📡 ${server.address} \\(UDP\\), \\d+ ms$`));
  });

  it('exits 0 for NXDOMAIN and says the name does not exist', async () => {
    const { stdout } = await lookup(['nothing.example.test']);
    assert.match(stdout, /nothing\.example\.test does not exist \(NXDOMAIN\)/);
  });

  it('splits a long answer into parts separated by ---, each within MAX_CHARACTERS', async () => {
    const { stdout } = await lookup(['long.example.test', 'TXT'], { MAX_CHARACTERS: '500' });
    const parts = stdout.trimEnd().split('\n---\n');
    assert.ok(parts.length > 1);
    parts.forEach((part, i) => {
      assert.ok(postLength(part) <= 500);
      assert.ok(part.endsWith(`(${i + 1}/${parts.length})`));
    });
  });

  it('reports a validated answer', async () => {
    const { stdout } = await lookup(['signed.example.test']);
    assert.match(stdout, /validated by the resolver \(AD\)/);
  });

  it('stops with one line naming the variable on a bad configuration', async () => {
    await assert.rejects(lookup(['example.test'], { DNS_TIMEOUT_MS: 'soon' }), (error: { code: number; stderr: string }) => {
      assert.notEqual(error.code, 0);
      assert.equal(error.stderr.trim(), 'fedidig: DNS_TIMEOUT_MS: must be a whole number from 100 to 60000 (got “soon”)');
      return true;
    });
  });
});
