/**
 * A Fediverse server in memory, for unit tests of the bot: accounts post
 * mentions, the bot lists them (newest first, by max_id) and posts replies;
 * a test can make a post fail with any error of lib/fediverse/errors.ts.
 */
import type { Account, Fediverse, InstanceFacts, MentionNotification, Reply } from '../../../lib/fediverse/fediverse.ts';

export const BOT: Account = { id: 'bot', acct: 'dig', url: 'https://dig.example/@dig', bot: true };

export const FACTS: InstanceFacts = {
  maxCharacters: 500,
  software: { name: 'mastodon', version: '4.3.0' },
  markup: 'plain',
  idempotentPosts: true,
  mentionsNeedDomain: false,
  postsOneAtATime: false,
  notes: ['no streaming API: polling'],
};

export interface PostedReply extends Reply {
  readonly id: string;
}

export class MemoryFediverse implements Fediverse {
  readonly notifications: MentionNotification[] = [];
  readonly posts: PostedReply[] = [];
  /** Decides the fate of each post: an error to throw, or undefined to post it. */
  failPost: (reply: Reply) => Error | undefined = () => undefined;
  /** Thrown by verifyCredentials, one per call, until none is left. */
  readonly signInErrors: Error[] = [];
  listings = 0;
  private next = 1;

  constructor(readonly facts: InstanceFacts = FACTS) {}

  /** A mention of the bot by `acct`, as the server would notify it. */
  mention(acct: string, text: string, visibility = 'public', options: { inReplyToAccountId?: string; bot?: boolean } = {}): MentionNotification {
    const n = this.next++;
    const account = { id: `a-${acct}`, acct, url: `https://dig.example/@${acct}`, bot: options.bot ?? false };
    const notification: MentionNotification = {
      id: `n${n}`,
      type: 'mention',
      createdAt: new Date(Date.UTC(2026, 10, 30) + n * 1000).toISOString(),
      status: {
        id: `s${n}`,
        visibility,
        content: `<p><span class="h-card"><a href="${BOT.url}" class="u-url mention">@<span>dig</span></a></span> ${text}</p>`,
        account,
        inReplyToAccountId: options.inReplyToAccountId,
        mentions: [{ acct: BOT.acct, url: BOT.url }],
        createdAt: new Date().toISOString(),
      },
    };
    this.notifications.push(notification);
    return notification;
  }

  repliesTo(statusId: string): PostedReply[] {
    return this.posts.filter((post) => post.inReplyToId === statusId);
  }

  async verifyCredentials(): Promise<Account> {
    const error = this.signInErrors.shift();
    if (error) throw error;
    return BOT;
  }

  async instance(): Promise<InstanceFacts> {
    return this.facts;
  }

  async mentions(page: { before?: string }, limit: number): Promise<MentionNotification[]> {
    this.listings++;
    const end = page.before === undefined ? this.notifications.length : this.notifications.findIndex((n) => n.id === page.before);
    return this.notifications.slice(Math.max(0, end - limit), end).reverse();
  }

  async postReply(reply: Reply): Promise<{ id: string }> {
    const error = this.failPost(reply);
    if (error) throw error;
    const posted = { ...reply, id: `r${this.posts.length + 1}` };
    this.posts.push(posted);
    return posted;
  }

  async findReply(statusId: string, accountId: string, except?: ReadonlySet<string>): Promise<{ id: string } | undefined> {
    return accountId === BOT.id ? this.repliesTo(statusId).find((reply) => !except?.has(reply.id)) : undefined;
  }

  async streamNotifications(): Promise<void> {
    throw new Error('no streaming here: the bot polls');
  }
}
