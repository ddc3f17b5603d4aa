/**
 * The instance's data: accounts, statuses and notifications in insertion
 * order (which is ID order for every sortable ID style), plus the lookups
 * and visibility rules the API needs. Everything lives in memory and
 * survives `restart()`.
 */
import { EventEmitter } from 'node:events';
import { createIdGenerator, type IdGenerator, type IdOptions, type IdStyle, type ServerIdStyle } from './ids.ts';

/** Mastodon's four, plus Akkoma's local-only `local`. */
export type Visibility = 'public' | 'unlisted' | 'private' | 'direct' | 'local';
/** The visibilities Mastodon's API accepts. */
export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private', 'direct'];

/** One ID style for every kind of entity, or one per kind, as servers that mix them do. */
export type IdStyles = IdStyle | { readonly accounts: ServerIdStyle; readonly statuses: ServerIdStyle; readonly notifications: ServerIdStyle };

/** Notification::TYPES, for `types[]` and `exclude_types[]` filtering. */
export const NOTIFICATION_TYPES = [
  'mention',
  'status',
  'reblog',
  'follow',
  'follow_request',
  'favourite',
  'poll',
  'update',
  'admin.sign_up',
  'admin.report',
  'severed_relationships',
  'moderation_warning',
  'quote',
  'quoted_update',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface AccountRecord {
  readonly id: string;
  readonly username: string;
  /** Null for accounts of this instance. */
  readonly domain: string | null;
  readonly displayName: string;
  readonly bot: boolean;
  readonly createdAt: Date;
  readonly url: string;
  readonly uri: string;
  /** Only local accounts can use the API. */
  readonly token: string | undefined;
}

export interface TagRecord {
  readonly name: string;
  readonly url: string;
}

export interface StatusRecord {
  readonly id: string;
  readonly account: AccountRecord;
  /** The text as stored, after mentions were rewritten to `@acct`. */
  readonly text: string;
  readonly content: string;
  readonly spoilerText: string;
  readonly sensitive: boolean;
  readonly language: string | null;
  readonly visibility: Visibility;
  readonly inReplyTo: StatusRecord | undefined;
  readonly mentions: readonly AccountRecord[];
  readonly tags: readonly TagRecord[];
  readonly createdAt: Date;
  readonly uri: string;
  readonly url: string;
  readonly favouritedBy: Set<AccountRecord>;
}

export interface NotificationRecord {
  readonly id: string;
  readonly type: NotificationType;
  readonly recipient: AccountRecord;
  readonly from: AccountRecord;
  readonly status: StatusRecord | undefined;
  readonly createdAt: Date;
  readonly groupKey: string;
}

export interface StoreEvents {
  status: [StatusRecord];
  notification: [NotificationRecord];
}

const IDEMPOTENCY_TTL_MS = 3_600_000;

export class Store extends EventEmitter<StoreEvents> {
  readonly accounts: AccountRecord[] = [];
  readonly statuses: StatusRecord[] = [];
  readonly notifications: NotificationRecord[] = [];
  readonly accountIds: IdGenerator;
  readonly statusIds: IdGenerator;
  readonly notificationIds: IdGenerator;
  readonly #idempotency = new Map<string, { status: StatusRecord; expiresAt: number }>();

  #lastNotificationMs = 0;

  constructor(idStyles: IdStyles, idOptions: IdOptions) {
    super();
    const styles = typeof idStyles === 'string' ? { accounts: idStyles, statuses: idStyles, notifications: idStyles } : idStyles;
    // Like Mastodon's per-table sequences, each kind of entity counts on its own.
    this.accountIds = createIdGenerator(styles.accounts, idOptions);
    this.statusIds = createIdGenerator(styles.statuses, idOptions);
    this.notificationIds = createIdGenerator(styles.notifications, idOptions);
  }

  /**
   * The creation time of a new notification. Where the ID embeds it and
   * cursors compare only that (Hollo), two notifications of one millisecond
   * would hide each other, so each gets a later millisecond than the last.
   */
  notificationTime(): Date {
    let now = Date.now();
    if (this.notificationIds.distinctTimes && now <= this.#lastNotificationMs) now = this.#lastNotificationMs + 1;
    this.#lastNotificationMs = now;
    return new Date(now);
  }

  addAccount(account: AccountRecord): void {
    this.accounts.push(account);
  }

  accountById(id: string): AccountRecord | undefined {
    return this.accounts.find((account) => account.id === id);
  }

  accountByToken(token: string): AccountRecord | undefined {
    return this.accounts.find((account) => account.token === token);
  }

  /** Account.find_remote: case-insensitive (domains are stored in lower case). */
  accountByName(username: string, domain: string | null): AccountRecord | undefined {
    const wantedDomain = domain?.toLowerCase() ?? null;
    return this.accounts.find((account) => account.username.toLowerCase() === username.toLowerCase() && account.domain === wantedDomain);
  }

  addStatus(status: StatusRecord): void {
    this.statuses.push(status);
    this.emit('status', status);
  }

  statusById(id: string): StatusRecord | undefined {
    return this.statuses.find((status) => status.id === id);
  }

  replies(status: StatusRecord): StatusRecord[] {
    return this.statuses.filter((reply) => reply.inReplyTo === status);
  }

  addNotification(notification: NotificationRecord): void {
    this.notifications.push(notification);
    this.emit('notification', notification);
  }

  notificationsOf(account: AccountRecord): NotificationRecord[] {
    return this.notifications.filter((notification) => notification.recipient === account);
  }

  dismissNotification(notification: NotificationRecord): void {
    this.notifications.splice(this.notifications.indexOf(notification), 1);
  }

  /** StatusPolicy#show? without follows: private and direct posts reach their author and the mentioned. */
  canView(status: StatusRecord, viewer: AccountRecord | undefined): boolean {
    if (status.visibility === 'public' || status.visibility === 'unlisted' || status.visibility === 'local') return true;
    return viewer !== undefined && (status.account === viewer || status.mentions.includes(viewer));
  }

  /** PostStatusService keeps `idempotency:status:<account>:<key>` for an hour. */
  idempotentStatus(account: AccountRecord, key: string, now: number): StatusRecord | undefined {
    const entry = this.#idempotency.get(`${account.id}:${key}`);
    return entry && entry.expiresAt > now ? entry.status : undefined;
  }

  rememberIdempotency(account: AccountRecord, key: string, status: StatusRecord, now: number): void {
    this.#idempotency.set(`${account.id}:${key}`, { status, expiresAt: now + IDEMPOTENCY_TTL_MS });
  }
}
