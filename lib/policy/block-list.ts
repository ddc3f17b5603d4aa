/**
 * Accounts and instances the bot ignores. Entries are `user@domain` (an
 * account; `user` alone for a local one) or a bare `domain` (every account
 * there); in a file, one per line, `#` starts a comment.
 */
export interface BlockList {
  readonly accounts: ReadonlySet<string>;
  readonly domains: ReadonlySet<string>;
}

export function parseBlockList(entries: Iterable<string>): BlockList {
  const accounts = new Set<string>();
  const domains = new Set<string>();
  for (const raw of entries) {
    const entry = raw.replace(/#.*/, '').trim().toLowerCase().replace(/^@/, '').replace(/^\*@/, '');
    if (!entry) continue;
    if (entry.includes('@')) accounts.add(entry);
    else if (entry.includes('.')) domains.add(entry);
    else accounts.add(entry);
  }
  return { accounts, domains };
}

export function mergeBlockLists(...lists: readonly BlockList[]): BlockList {
  return {
    accounts: new Set(lists.flatMap((list) => [...list.accounts])),
    domains: new Set(lists.flatMap((list) => [...list.domains])),
  };
}

/** Why `acct` is blocked, or undefined. */
export function blockReason(list: BlockList, acct: string): string | undefined {
  const account = acct.toLowerCase();
  if (list.accounts.has(account)) return 'a blocked account';
  const domain = account.split('@')[1];
  if (domain && [...list.domains].some((blocked) => domain === blocked || domain.endsWith(`.${blocked}`))) return 'a blocked instance';
  return undefined;
}
