/** `npm run register`: the OAuth authorization code flow against the loopback instance, as an operator runs it. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../testkit/bot/bot-process.ts';
import { startMastodonInstance, type MastodonInstance } from '../testkit/mastodon-instance.ts';
import { startMisskeyInstance } from '../testkit/misskey-instance.ts';

/** `npm run register` as an operator runs it, from source: its stdin, and its stdout and stderr together. */
function register(instanceUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/register-app.ts', instanceUrl], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { stdin: child.stdin, output: () => output, exited };
}

describe('npm run register', { timeout: 60_000 }, () => {
  let instance: MastodonInstance;
  before(async () => {
    instance = await startMastodonInstance();
  });
  after(() => instance.close());

  it('registers the app, takes the code from the consent page and prints the .env lines', async () => {
    const bot = instance.createAccount('dig', { bot: true });
    const { stdin, output, exited } = register(instance.url);
    const page = await instance.waitFor(() => /(http\S+\/oauth\/authorize\?\S+)/.exec(output())?.[1], 20_000);
    const authorize = new URL(page);
    assert.equal(authorize.searchParams.get('response_type'), 'code');
    assert.equal(authorize.searchParams.get('scope'), 'read:accounts read:notifications read:statuses write:statuses');
    await instance.waitFor(() => output().includes('Paste the authorisation code'), 5000);
    stdin.end(`${instance.authorizeApp(authorize.searchParams.get('client_id')!, bot)}\n`);
    assert.equal(await exited, 0, output());
    assert.match(output(), /Signed in as @dig\./);
    assert.match(output(), new RegExp(`^MASTODON_URL=${instance.url}$`, 'm'));
    assert.match(output(), new RegExp(`^MASTODON_TOKEN=${bot.token}$`, 'm'));
  });

  it('takes a token with MiAuth where the server speaks only Misskey', async () => {
    const misskey = await startMisskeyInstance();
    try {
      const bot = misskey.createUser('dig', { isBot: true });
      const { stdin, output, exited } = register(misskey.url);
      const page = new URL(await misskey.waitFor(() => /(http\S+\/miauth\/\S+)/.exec(output())?.[1], 20_000));
      assert.equal(page.searchParams.get('permission'), 'read:account,read:notifications,write:notes');
      await misskey.waitFor(() => output().includes('Press Enter'), 5000);
      misskey.authorizeMiAuth(page.pathname.split('/').at(-1)!, bot);
      stdin.end('\n');
      assert.equal(await exited, 0, output());
      assert.match(output(), /Signed in as @dig\./);
      assert.match(output(), new RegExp(`^MASTODON_TOKEN=${bot.token}$`, 'm'));
      assert.match(output(), /^FEDIVERSE_API=misskey$/m);
    } finally {
      await misskey.close();
    }
  });

  it('says how to call it without an instance', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/register-app.ts'], { cwd: repoRoot });
    let error = '';
    child.stderr.on('data', (chunk) => (error += chunk));
    assert.equal(await new Promise((resolve) => child.once('exit', resolve)), 2);
    assert.match(error, /usage: npm run register -- https:\/\/your\.instance/);
  });
});
