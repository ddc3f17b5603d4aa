/**
 * `npm run register -- https://mastodon.example`: gets a token for the bot's
 * account with the OAuth authorization code flow. It registers an app on the
 * instance, prints the page to open while logged in as the bot, asks for the
 * code that page shows and prints the lines to put in `.env`. A server with
 * Misskey's API and no Mastodon API (or FEDIVERSE_API=misskey) gets MiAuth
 * instead: the page grants a session, which the script then checks for the token.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { createOAuthAPIClient, createRestAPIClient } from 'masto';
import { chooseFediverseApi, fediverseApis, type FediverseApi } from '../lib/fediverse/open-fediverse.ts';

// What the bot does and nothing more: read its account and notifications, post replies.
const SCOPES = 'read:accounts read:notifications read:statuses write:statuses';
// The same in Misskey's permissions (kind of `i`, i/notifications and notes/create; the rest need none).
const MISSKEY_PERMISSIONS = 'read:account,read:notifications,write:notes';
const OUT_OF_BAND = 'urn:ietf:wg:oauth:2.0:oob';

const [instanceArgument] = process.argv.slice(2);
if (!instanceArgument) {
  process.stderr.write('usage: npm run register -- https://your.instance\n');
  process.exit(2);
}
const url = new URL(/^https?:\/\//.test(instanceArgument) ? instanceArgument : `https://${instanceArgument}`).origin;
const setting = process.env.FEDIVERSE_API?.trim() || 'auto';
if (setting !== 'auto' && !(fediverseApis as readonly string[]).includes(setting)) {
  process.stderr.write(`FEDIVERSE_API must be auto, ${fediverseApis.join(', ')} (got “${setting}”)\n`);
  process.exit(2);
}
const { api } = await chooseFediverseApi(url, setting as FediverseApi | 'auto');
if (api === 'misskey') await registerWithMiAuth();

const app = await createRestAPIClient({ url }).v1.apps.create({
  clientName: 'fedidig',
  redirectUris: OUT_OF_BAND,
  scopes: SCOPES,
  website: 'https://github.com/fedidig',
});
const authorize = new URL('/oauth/authorize', url);
authorize.search = new URLSearchParams({ client_id: app.clientId!, scope: SCOPES, redirect_uri: OUT_OF_BAND, response_type: 'code' }).toString();

process.stdout.write(`1. Log in to ${url} as the bot's account.\n2. Open this page and authorise fedidig:\n\n   ${authorize.href}\n\n`);
const prompt = createInterface({ input: process.stdin, output: process.stdout });
const code = (await prompt.question('3. Paste the authorisation code here: ')).trim();
prompt.close();

const token = await createOAuthAPIClient({ url }).token.create({
  grantType: 'authorization_code',
  clientId: app.clientId!,
  clientSecret: app.clientSecret!,
  redirectUri: OUT_OF_BAND,
  code,
  scope: SCOPES,
});
const me = await createRestAPIClient({ url, accessToken: token.accessToken }).v1.accounts.verifyCredentials();
process.stdout.write(`\nSigned in as @${me.acct}. Put these lines in .env:\n\nMASTODON_URL=${url}\nMASTODON_TOKEN=${token.accessToken}\n`);

/** MiAuth (https://misskey-hub.net/en/docs/for-developers/api/token/miauth/): a session id, its consent page, then /api/miauth/<session>/check. */
async function registerWithMiAuth(): Promise<never> {
  const session = randomUUID();
  const page = new URL(`/miauth/${session}`, url);
  page.search = new URLSearchParams({ name: 'fedidig', permission: MISSKEY_PERMISSIONS }).toString();
  process.stdout.write(`1. Log in to ${url} as the bot's account.\n2. Open this page and allow fedidig:\n\n   ${page.href}\n\n`);
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  await prompt.question('3. Press Enter once it is allowed: ');
  prompt.close();
  const response = await fetch(new URL(`/api/miauth/${session}/check`, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const answer = (await response.json().catch(() => ({}))) as { ok?: boolean; token?: string; user?: { username?: string } };
  if (!answer.ok || !answer.token) {
    process.stderr.write(`\n${url} has no token for this session: was the page allowed?\n`);
    process.exit(1);
  }
  process.stdout.write(
    `\nSigned in as @${answer.user?.username}. Put these lines in .env:\n\nMASTODON_URL=${url}\nMASTODON_TOKEN=${answer.token}\nFEDIVERSE_API=misskey\n`,
  );
  process.exit(0);
}
