import type { InstanceFacts } from './instance-facts.ts';
import type { ReplyMarkup } from '../reply/markup.ts';
import type { Visibility } from './reply-visibility.ts';

export type { InstanceFacts } from './instance-facts.ts';

/**
 * What the bot needs from a Mastodon-compatible server, and nothing more.
 * Ids are opaque strings (Mastodon's look numeric, Pleroma's and
 * GoToSocial's do not): they are passed back to the server, never compared.
 */
export interface Account {
  readonly id: string;
  /** `user` for a local account, `user@domain` for a remote one. */
  readonly acct: string;
  readonly url: string;
  readonly bot: boolean;
}

export interface MentionStatus {
  readonly id: string;
  readonly visibility: string;
  /** The HTML the server rendered. */
  readonly content: string;
  readonly account: Account;
  readonly inReplyToId?: string;
  readonly inReplyToAccountId?: string;
  /** The accounts the status mentions, as the server links them in `content`. */
  readonly mentions: readonly { readonly acct: string; readonly url: string }[];
  readonly createdAt: string;
}

export interface MentionNotification {
  readonly id: string;
  readonly type: string;
  /** When the server created the notification (ISO 8601), where it says. */
  readonly createdAt?: string;
  readonly status?: MentionStatus;
}

export interface Reply {
  readonly text: string;
  /** The status answered; undefined for a post of the bot's own, like a note to the operator. */
  readonly inReplyToId?: string;
  readonly visibility: Visibility;
  /** How the text is written (see reply-markup): the post asks the server to read it so. */
  readonly markup: ReplyMarkup;
  /** Same key, same post: a retried request never posts twice. */
  readonly idempotencyKey: string;
}

export interface StreamHandlers {
  /** The socket is open and the subscription is sent. */
  onOpen(): void;
  /** Anything arrived from the server, a ping included: the socket is alive. */
  onAlive(): void;
  onNotification(notification: MentionNotification): void;
}

export interface Fediverse {
  verifyCredentials(): Promise<Account>;
  instance(): Promise<InstanceFacts>;
  /**
   * One page of mention notifications, newest first: the newest before
   * `before` (max_id), or the newest of all. max_id is the one cursor every
   * server implements alike; min_id and since_id are not (Hollo answers
   * min_id like since_id, Sharkey lists both oldest first), so neither is used.
   */
  mentions(page: { readonly before?: string }, limit: number): Promise<MentionNotification[]>;
  postReply(reply: Reply): Promise<{ readonly id: string }>;
  /**
   * A direct reply to `statusId` by `accountId` already in the thread, for servers that ignore Idempotency-Key;
   * replies whose ids are in `except` (those known already, like a watch's earlier ones) are passed over.
   */
  findReply(statusId: string, accountId: string, except?: ReadonlySet<string>): Promise<{ readonly id: string } | undefined>;
  /** Streams notifications until the socket closes, the server goes silent or `signal` aborts. */
  streamNotifications(handlers: StreamHandlers, signal: AbortSignal): Promise<void>;
}
