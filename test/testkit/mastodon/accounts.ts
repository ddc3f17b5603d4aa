/**
 * Accounts a test sets up: local ones, with an API token, and remote-looking
 * ones (`bob@other.example`) whose statuses arrive as if federated.
 */
import { randomBytes } from 'node:crypto';
import { acctOf, type SiteInfo } from './entities.ts';
import type { AccountRecord, Store } from './store.ts';

export interface TestAccount {
  readonly id: string;
  readonly username: string;
  /** `username` for local accounts, `username@domain` for remote ones. */
  readonly acct: string;
  readonly url: string;
  /** The API token; remote accounts have none, as they do not sign in here. */
  readonly token: string | undefined;
}

export interface LocalTestAccount extends TestAccount {
  readonly token: string;
}

export interface RemoteTestAccount extends TestAccount {
  readonly token: undefined;
}

export interface AccountOptions {
  readonly displayName?: string;
  readonly bot?: boolean;
}

/** Local usernames are `[a-z0-9_]+`; remote servers may also use dots and dashes (Account::USERNAME_RE). */
const LOCAL_USERNAME_RE = /^[a-z0-9_]+$/i;
const REMOTE_USERNAME_RE = /^[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*$/i;

export function createAccount(store: Store, site: SiteInfo, name: string, options: AccountOptions): AccountRecord {
  const [username = '', domain] = name.replace(/^@/, '').split('@');
  const remoteDomain = domain?.toLowerCase();
  if (remoteDomain === site.domain.toLowerCase()) throw new Error(`${name}: local accounts are created by username alone`);
  if (!(remoteDomain ? REMOTE_USERNAME_RE : LOCAL_USERNAME_RE).test(username)) throw new Error(`${name}: not a valid username`);
  if (store.accountByName(username, remoteDomain ?? null)) throw new Error(`${name}: the account exists already`);
  const base = remoteDomain ? `https://${remoteDomain}` : site.baseUrl;
  const account: AccountRecord = {
    id: store.accountIds.next(),
    username,
    domain: remoteDomain ?? null,
    displayName: options.displayName ?? username,
    bot: options.bot ?? false,
    createdAt: new Date(),
    url: `${base}/@${username}`,
    uri: `${base}/users/${username}`,
    // The shape of a Doorkeeper token: 32 random bytes, base64url.
    token: remoteDomain ? undefined : randomBytes(32).toString('base64url'),
  };
  store.addAccount(account);
  return account;
}

export function testAccountOf(account: AccountRecord): TestAccount {
  return { id: account.id, username: account.username, acct: acctOf(account), url: account.url, token: account.token };
}
