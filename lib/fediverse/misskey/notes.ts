/**
 * Misskey's notes and notifications as the bot reads Mastodon's statuses and
 * notifications (fediverse.ts), so that nothing past the client knows which
 * API the server speaks. Misskey sends a note's text as its author wrote it,
 * in MFM, where Mastodon sends HTML: it is parsed with mfm-js (Misskey's own
 * parser) and written as the HTML mention-text.ts reads, its mentions as
 * mention links.
 */
import * as mfm from 'mfm-js';
import type { entities } from 'misskey-js';
import type { Account, MentionNotification, MentionStatus } from '../fediverse.ts';
import type { Visibility } from '../reply-visibility.ts';

/** Misskey's visibilities and Mastodon's, the same four audiences by other names. */
const MASTODON_VISIBILITY: Readonly<Record<string, Visibility>> = { public: 'public', home: 'unlisted', followers: 'private', specified: 'direct' };
export const MISSKEY_VISIBILITY: Readonly<Record<Visibility, 'public' | 'home' | 'followers' | 'specified'>> = {
  public: 'public',
  unlisted: 'home',
  private: 'followers',
  direct: 'specified',
};

/**
 * The notification types that carry a question: Misskey notifies a reply that
 * also mentions the bot as `reply` alone (NoteCreateService's NotificationManager
 * keeps one reason per notifiee, the reply over the mention), where Mastodon
 * notifies it as a `mention`.
 */
export const QUESTION_TYPES = ['mention', 'reply'] as const;

/** Where accounts of the server are shown: `https://host/@user`, and `https://host/@user@remote` for a remote one. */
export class MisskeyAccounts {
  private readonly localHost: string;

  constructor(private readonly origin: string) {
    this.localHost = new URL(origin).host.toLowerCase();
  }

  /** `user` for a local account (written with the server's own host or without), `user@host` for a remote one. */
  acctOf(username: string, host: string | null | undefined): string {
    return host && host.toLowerCase() !== this.localHost ? `${username}@${host.toLowerCase()}` : username;
  }

  account(user: Pick<entities.UserLite, 'id' | 'username' | 'host' | 'isBot'>): Account {
    const acct = this.acctOf(user.username, user.host);
    return { id: user.id, acct, url: this.urlOf(acct), bot: Boolean(user.isBot) };
  }

  urlOf(acct: string): string {
    return `${this.origin}/@${acct}`;
  }

  notification(notification: entities.Notification): MentionNotification {
    const note = 'note' in notification ? notification.note : undefined;
    const type = (QUESTION_TYPES as readonly string[]).includes(notification.type) ? 'mention' : notification.type;
    return { id: notification.id, type, createdAt: notification.createdAt, status: note ? this.status(note) : undefined };
  }

  status(note: entities.Note): MentionStatus {
    const nodes = mfm.parse(note.text ?? '');
    return {
      id: note.id,
      // A visibility of another name stays as it is: the reply's visibility then falls back to direct.
      visibility: MASTODON_VISIBILITY[note.visibility] ?? note.visibility,
      content: this.html(nodes),
      account: this.account(note.user),
      inReplyToId: note.replyId ?? undefined,
      inReplyToAccountId: note.reply?.userId,
      mentions: mentionsOf(nodes).map(({ username, host }) => {
        const acct = this.acctOf(username, host);
        return { acct, url: this.urlOf(acct) };
      }),
      createdAt: note.createdAt,
    };
  }

  /** The text as HTML that shows what a reader sees: formatting dropped, every character of the text kept, mentions as links. */
  private html(nodes: readonly mfm.MfmNode[]): string {
    return nodes.map((node) => this.nodeHtml(node)).join('');
  }

  private nodeHtml(node: mfm.MfmNode): string {
    switch (node.type) {
      case 'mention': {
        const acct = this.acctOf(node.props.username, node.props.host);
        return `<a class="u-url mention" href="${escapeHtml(this.urlOf(acct))}">@${escapeHtml(acct)}</a>`;
      }
      case 'text':
        return textHtml(node.props.text);
      case 'url':
        return textHtml(node.props.url);
      case 'hashtag':
        return textHtml(`#${node.props.hashtag}`);
      case 'emojiCode':
        // `:85a3:` of an IPv6 address is an emoji code to MFM: the text it was is what the asker typed.
        return textHtml(`:${node.props.name}:`);
      case 'unicodeEmoji':
        return textHtml(node.props.emoji);
      case 'inlineCode':
        return textHtml(node.props.code);
      case 'blockCode':
        return `<br>${textHtml(node.props.code)}<br>`;
      case 'mathInline':
        return textHtml(node.props.formula);
      case 'mathBlock':
        return `<br>${textHtml(node.props.formula)}<br>`;
      case 'search':
        return `<br>${textHtml(node.props.content)}<br>`;
      case 'quote':
      case 'center':
        return `<br>${this.html(node.children)}<br>`;
      default:
        return 'children' in node && node.children ? this.html(node.children) : textHtml(mfm.toString(node));
    }
  }
}

/** The accounts a text mentions, where MFM reads a mention (not inside `<plain>` or code), in order. */
export function mentionsOf(nodes: readonly mfm.MfmNode[]): { username: string; host: string | null }[] {
  const mentions: { username: string; host: string | null }[] = [];
  for (const node of mfm.extract([...nodes], (n) => n.type === 'mention')) {
    if (node.type === 'mention') mentions.push({ username: node.props.username, host: node.props.host });
  }
  return mentions;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function textHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}
