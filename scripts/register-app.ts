/**
 * `npm run register -- https://mastodon.example`: gets a token for the bot's
 * account with the OAuth authorization code flow. It registers an app on the
 * instance, prints the page to open while logged in as the bot, asks for the
 * code that page shows and prints the lines to put in `.env`.
 */
import { createInterface } from 'node:readline/promises';
import { createOAuthAPIClient, createRestAPIClient } from 'masto';

// What the bot does and nothing more: read its account and notifications, post replies.
const SCOPES = 'read:accounts read:notifications read:statuses write:statuses';
const OUT_OF_BAND = 'urn:ietf:wg:oauth:2.0:oob';

const [instanceArgument] = process.argv.slice(2);
if (!instanceArgument) {
  process.stderr.write('usage: npm run register -- https://your.instance\n');
  process.exit(2);
}
const url = new URL(/^https?:\/\//.test(instanceArgument) ? instanceArgument : `https://${instanceArgument}`).origin;

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
