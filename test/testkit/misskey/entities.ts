/**
 * The JSON of Misskey's entities as its packers write them
 * (UserEntityService.pack for UserLite, NoteEntityService.pack,
 * NotificationEntityService.pack), with the fields the schema in
 * misskey-js's autogen/types.ts requires.
 */
import type { NoteRecord, NotificationRecord, UserRecord } from './model.ts';

export type Json = Record<string, unknown>;

export interface Site {
  /** `https://host` as the server's config.url. */
  readonly url: string;
}

export function packUserLite(user: UserRecord, site: Site): Json {
  return {
    id: user.id,
    name: null,
    username: user.username,
    host: user.host,
    avatarUrl: `${site.url}/identicon/${user.id}`,
    avatarBlurhash: null,
    avatarDecorations: [],
    isBot: user.isBot,
    isCat: false,
    emojis: {},
    onlineStatus: 'unknown',
    badgeRoles: [],
  };
}

/** `i`: MeDetailed, of which the bot reads the UserLite part. */
export function packMe(user: UserRecord, site: Site): Json {
  return { ...packUserLite(user, site), createdAt: new Date(0).toISOString(), isLocked: false, isSuspended: false, notesCount: 0, followersCount: 0 };
}

/** NoteEntityService.pack; `detail` adds the note replied to, packed without detail. */
export function packNote(note: NoteRecord, site: Site, detail = true): Json {
  return {
    id: note.id,
    createdAt: note.createdAt.toISOString(),
    userId: note.user.id,
    user: packUserLite(note.user, site),
    text: note.text,
    cw: null,
    visibility: note.visibility,
    localOnly: note.localOnly,
    reactionAcceptance: null,
    renoteCount: 0,
    repliesCount: 0,
    reactionCount: 0,
    reactions: {},
    reactionEmojis: {},
    emojis: {},
    fileIds: [],
    files: [],
    replyId: note.reply?.id ?? null,
    renoteId: null,
    ...(note.mentions.length > 0 ? { mentions: note.mentions } : {}),
    ...(note.visibility === 'specified' ? { visibleUserIds: note.visibleUserIds } : {}),
    ...(detail && note.reply ? { reply: packNote(note.reply, site, false) } : {}),
  };
}

export function packNotification(notification: NotificationRecord, site: Site): Json {
  return {
    id: notification.id,
    createdAt: notification.createdAt.toISOString(),
    type: notification.type,
    userId: notification.notifier.id,
    user: packUserLite(notification.notifier, site),
    ...(notification.note ? { note: packNote(notification.note, site) } : {}),
  };
}
