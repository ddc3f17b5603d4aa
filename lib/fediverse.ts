import type { Visibility } from './reply-visibility.ts';

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
  readonly mentions: readonly { readonly id: string; readonly acct: string; readonly url: string }[];
  readonly createdAt: string;
}

export interface MentionNotification {
  readonly id: string;
  readonly type: string;
  readonly status?: MentionStatus;
}

export interface InstanceFacts {
  readonly maxCharacters: number;
  /** The streaming API's base URL; undefined on servers without one. */
  readonly streamingUrl?: string;
}

export interface Reply {
  readonly text: string;
  /** The status answered; undefined for a post of the bot's own, like a note to the operator. */
  readonly inReplyToId?: string;
  readonly visibility: Visibility;
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
   * One page of mention notifications, newest first as the server sends them:
   * the page right after `after` (min_id), or the newest before `before`
   * (max_id), or the newest of all.
   */
  mentions(page: { readonly after?: string; readonly before?: string }, limit: number): Promise<MentionNotification[]>;
  postReply(reply: Reply): Promise<{ readonly id: string }>;
  /** Streams notifications until the socket closes, the server goes silent or `signal` aborts. */
  streamNotifications(handlers: StreamHandlers, signal: AbortSignal): Promise<void>;
}
