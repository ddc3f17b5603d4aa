/**
 * What a Misskey server keeps for the bot's part of it: users, notes and
 * each user's notification timeline, with the rules of creating a note as
 * Misskey's NoteCreateService applies them and its entities as
 * NoteEntityService, UserEntityService and NotificationEntityService pack
 * them (misskey-dev/misskey packages/backend/src/core/, the same in Sharkey
 * 2023.12, transfem-org/Sharkey HEAD~2).
 */
import { randomBytes } from 'node:crypto';
import * as mfm from 'mfm-js';
import { createIdGenerator } from '../mastodon/ids.ts';

export type NoteVisibility = 'public' | 'home' | 'followers' | 'specified';
export const noteVisibilities: readonly NoteVisibility[] = ['public', 'home', 'followers', 'specified'];

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  /** null for a local user. */
  readonly host: string | null;
  readonly isBot: boolean;
  /** The API token of a local user (`i`). */
  readonly token: string | undefined;
}

export interface NoteRecord {
  readonly id: string;
  readonly createdAt: Date;
  readonly user: UserRecord;
  readonly text: string;
  readonly visibility: NoteVisibility;
  readonly visibleUserIds: readonly string[];
  readonly localOnly: boolean;
  readonly reply: NoteRecord | undefined;
  /** The ids of the users it mentions (note.mentions). */
  readonly mentions: readonly string[];
}

export type NotificationType = 'mention' | 'reply' | 'follow';

export interface NotificationRecord {
  readonly id: string;
  readonly createdAt: Date;
  readonly type: NotificationType;
  readonly notifier: UserRecord;
  readonly note: NoteRecord | undefined;
}

/** An API error as ApiCallService sends it: the status and `{"error": {message, code, id, kind, info?}}`. */
export class MisskeyApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly id: string,
    readonly info?: Record<string, unknown>,
    readonly kind: 'client' | 'server' | 'permission' = 'client',
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    return { error: { message: this.message, code: this.code, id: this.id, kind: this.kind, ...(this.info ? { info: this.info } : {}) } };
  }
}

/** endpoint-base.ts: the first schema error of the parameters. */
export function invalidParam(param: string, reason: string): MisskeyApiError {
  return new MisskeyApiError(400, 'INVALID_PARAM', 'Invalid param.', '3d81ceae-475f-4600-b2a8-2bc116157532', { param, reason });
}

export interface CreateNoteParams {
  readonly text: string;
  readonly visibility?: NoteVisibility;
  readonly visibleUserIds?: readonly string[];
  readonly replyId?: string | null;
  readonly localOnly?: boolean;
}

/**
 * The parameters of a notes/create request as its schema types them, read
 * from the request's JSON; a value of the wrong type is refused with the
 * error createNote gives it (lengths and the reply are checked there).
 */
export function readCreateNoteParams(params: Readonly<Record<string, unknown>>): CreateNoteParams {
  const { text, visibility, visibleUserIds, replyId, localOnly } = params;
  if (typeof text !== 'string') throw invalidParam('#/properties/text/minLength', 'must NOT have fewer than 1 characters');
  if (visibility !== undefined && visibility !== null && !isNoteVisibility(visibility))
    throw invalidParam('#/properties/visibility/enum', 'must be equal to one of the allowed values');
  if (visibleUserIds !== undefined && visibleUserIds !== null && !Array.isArray(visibleUserIds))
    throw invalidParam('#/properties/visibleUserIds/type', 'must be array');
  if (replyId !== undefined && replyId !== null && typeof replyId !== 'string') throw invalidParam('#/properties/replyId/type', 'must be string,null');
  return {
    text,
    visibility: visibility ?? undefined,
    // An id that is not a string names no user.
    visibleUserIds: visibleUserIds?.filter((id): id is string => typeof id === 'string'),
    replyId,
    localOnly: Boolean(localOnly),
  };
}

function isNoteVisibility(value: unknown): value is NoteVisibility {
  return noteVisibilities.some((visibility) => visibility === value);
}

/** Called with every notification as it is created: the streaming server's `mainStream:<userId>`. */
export type NotificationListener = (notifiee: UserRecord, notification: NotificationRecord) => void;

export class MisskeyStore {
  readonly users: UserRecord[] = [];
  readonly notes: NoteRecord[] = [];
  readonly #timelines = new Map<string, NotificationRecord[]>();
  readonly #ids = createIdGenerator('aidx');
  readonly #listeners: NotificationListener[] = [];

  constructor(
    readonly host: string,
    readonly maxNoteTextLength: number,
  ) {}

  nextId(): string {
    return this.#ids.next();
  }

  onNotification(listener: NotificationListener): void {
    this.#listeners.push(listener);
  }

  createUser(username: string, host: string | null, isBot: boolean): UserRecord {
    const user: UserRecord = { id: this.nextId(), username, host, isBot, token: host === null ? randomBytes(16).toString('hex') : undefined };
    this.users.push(user);
    return user;
  }

  userByToken(token: string): UserRecord | undefined {
    return this.users.find((user) => user.token !== undefined && user.token === token);
  }

  /** users/show by name: the server's own host is a local user. */
  userByName(username: string, host: string | null | undefined): UserRecord | undefined {
    const wanted = host && host.toLowerCase() !== this.host ? host.toLowerCase() : null;
    return this.users.find((user) => user.username.toLowerCase() === username.toLowerCase() && user.host === wanted);
  }

  noteById(id: string): NoteRecord | undefined {
    return this.notes.find((note) => note.id === id);
  }

  /** The notification timeline of a user, oldest first (the Redis stream `notificationTimeline:<id>`). */
  timelineOf(user: UserRecord): NotificationRecord[] {
    const timeline = this.#timelines.get(user.id) ?? [];
    this.#timelines.set(user.id, timeline);
    return timeline;
  }

  /** NoteEntityService.isVisibleForMe. */
  isVisible(note: NoteRecord, me: UserRecord | undefined): boolean {
    if (note.visibility === 'public' || note.visibility === 'home') return true;
    if (!me) return false;
    if (me.id === note.user.id) return true;
    if (note.visibility === 'specified') return note.visibleUserIds.includes(me.id);
    // followers: the mentioned and the author replied to see it (following is not modelled: nobody follows here).
    return note.reply?.user.id === me.id || note.mentions.includes(me.id);
  }

  /** NoteCreateService.create with the checks of endpoints/notes/create.ts before it. */
  createNote(user: UserRecord, params: CreateNoteParams): NoteRecord {
    const text = params.text;
    if (text.length < 1) throw invalidParam('#/properties/text/minLength', 'must NOT have fewer than 1 characters');
    // ajv counts code points (its ucs2length), against MAX_NOTE_TEXT_LENGTH.
    if ([...text].length > this.maxNoteTextLength)
      throw invalidParam('#/properties/text/maxLength', `must NOT have more than ${this.maxNoteTextLength} characters`);
    let visibility = params.visibility ?? 'public';
    if (!noteVisibilities.includes(visibility)) throw invalidParam('#/properties/visibility/enum', 'must be equal to one of the allowed values');
    let reply: NoteRecord | undefined;
    if (params.replyId) {
      reply = this.noteById(params.replyId);
      if (!reply) throw new MisskeyApiError(400, 'NO_SUCH_REPLY_TARGET', 'No such reply target.', '749ee0f6-d3da-459a-bf02-282e2da4292c');
      if (!this.isVisible(reply, user))
        throw new MisskeyApiError(400, 'CANNOT_REPLY_TO_AN_INVISIBLE_NOTE', 'Cannot reply to an invisible Note.', 'b98980fa-3780-406c-a935-b6d0eeee10d1');
      if (reply.visibility === 'specified' && visibility !== 'specified')
        throw new MisskeyApiError(
          400,
          'CANNOT_REPLY_TO_SPECIFIED_VISIBILITY_NOTE_WITH_EXTENDED_VISIBILITY',
          'You cannot reply to a specified visibility note with extended visibility.',
          'ed940410-535c-4d5e-bfa3-af798671e93c',
        );
    }
    // A reply to a note that is not public is at most home; a reply to a local-only note is local-only.
    if (reply && reply.visibility !== 'public' && visibility === 'public') visibility = 'home';
    const localOnly = Boolean(params.localOnly) || Boolean(reply?.localOnly);
    const mentioned: UserRecord[] = [];
    for (const node of mfm.extract(mfm.parse(text), (n) => n.type === 'mention')) {
      if (node.type !== 'mention') continue;
      const found = this.userByName(node.props.username, node.props.host);
      if (found && !mentioned.includes(found)) mentioned.push(found);
    }
    if (reply && reply.user.id !== user.id && !mentioned.includes(reply.user)) mentioned.push(reply.user);
    const visibleUsers: UserRecord[] = [];
    if (visibility === 'specified') {
      for (const id of params.visibleUserIds ?? []) {
        const visible = this.users.find((u) => u.id === id);
        if (visible && !visibleUsers.includes(visible)) visibleUsers.push(visible);
      }
      for (const visible of visibleUsers) if (!mentioned.includes(visible)) mentioned.push(visible);
      if (reply && !visibleUsers.includes(reply.user)) visibleUsers.push(reply.user);
    }
    const note: NoteRecord = {
      id: this.nextId(),
      createdAt: new Date(),
      user,
      text,
      visibility,
      visibleUserIds: visibleUsers.map((u) => u.id),
      localOnly,
      reply,
      mentions: mentioned.map((u) => u.id),
    };
    this.notes.push(note);
    this.#notify(note, mentioned);
    return note;
  }

  /** NoteCreateService's NotificationManager: one notification per local user, `reply` over `mention`; never oneself. */
  #notify(note: NoteRecord, mentioned: readonly UserRecord[]): void {
    const reasons = new Map<UserRecord, NotificationType>();
    if (note.reply) reasons.set(note.reply.user, 'reply');
    for (const user of mentioned) if (!reasons.has(user)) reasons.set(user, 'mention');
    for (const [notifiee, type] of reasons) {
      if (notifiee.host !== null || notifiee.id === note.user.id || !this.isVisible(note, notifiee)) continue;
      this.addNotification(notifiee, { id: this.nextId(), createdAt: new Date(), type, notifier: note.user, note });
    }
  }

  addNotification(notifiee: UserRecord, notification: NotificationRecord): void {
    this.timelineOf(notifiee).push(notification);
    for (const listener of this.#listeners) listener(notifiee, notification);
  }

  /**
   * NotificationService#getNotifications: a page of `limit` from the
   * timeline, newest first below `untilId` (exclusive), filtered by type
   * after it is read; a page the filter empties is followed by the next one.
   * With `sinceId` alone, oldest first above it.
   */
  notificationsOf(
    user: UserRecord,
    options: { limit: number; untilId?: string; sinceId?: string; includeTypes?: readonly string[]; excludeTypes?: readonly string[] },
  ): NotificationRecord[] {
    const timeline = this.timelineOf(user);
    let untilId = options.untilId;
    let sinceId = options.sinceId;
    const oldestFirst = sinceId !== undefined && untilId === undefined;
    for (;;) {
      const inRange = timeline.filter((n) => (untilId === undefined || n.id < untilId) && (sinceId === undefined || n.id > sinceId));
      const page = oldestFirst ? inRange.slice(0, options.limit) : inRange.reverse().slice(0, options.limit);
      if (page.length === 0) return [];
      let filtered = page;
      if (options.includeTypes?.length) filtered = page.filter((n) => options.includeTypes!.includes(n.type));
      else if (options.excludeTypes?.length) filtered = page.filter((n) => !options.excludeTypes!.includes(n.type));
      if (filtered.length > 0) return filtered;
      if (oldestFirst) sinceId = page.at(-1)!.id;
      else untilId = page.at(-1)!.id;
    }
  }
}
