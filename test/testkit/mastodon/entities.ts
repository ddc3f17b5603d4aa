/**
 * JSON entities as Mastodon's REST serializers write them
 * (app/serializers/rest/*): snake_case keys, string IDs, ISO 8601 times.
 */
import { URL_PLACEHOLDER_CHARS } from './status-length.ts';
import type { AccountRecord, NotificationRecord, StatusRecord, Store } from './store.ts';

export interface SiteInfo {
  readonly domain: string;
  /** Root of the instance's web pages (account, status and tag URLs). */
  readonly baseUrl: string;
  /** Where the API is actually served, on 127.0.0.1. */
  readonly apiUrl: string;
  readonly streamingUrl: string | undefined;
  readonly maxCharacters: number;
  /** The limit posts are held to, when it differs from the advertised one (servers that count otherwise). */
  readonly enforcedMaxCharacters?: number;
  readonly title: string;
  readonly version: string;
}

export interface AccountJson {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  indexable: boolean;
  group: boolean;
  created_at: string;
  note: string;
  url: string;
  uri: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: string | null;
  hide_collections: boolean | null;
  noindex: boolean;
  emojis: unknown[];
  roles: unknown[];
  fields: unknown[];
}

export interface CredentialAccountJson extends AccountJson {
  source: Record<string, unknown>;
  role: Record<string, unknown>;
}

export interface MentionJson {
  id: string;
  username: string;
  url: string;
  acct: string;
}

export interface StatusJson {
  id: string;
  created_at: string;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  sensitive: boolean;
  spoiler_text: string;
  visibility: string;
  language: string | null;
  uri: string;
  url: string;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  edited_at: string | null;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  pinned?: boolean;
  filtered?: unknown[];
  content: string;
  reblog: null;
  application?: { name: string; website: string | null };
  account: AccountJson;
  media_attachments: unknown[];
  mentions: MentionJson[];
  tags: Array<{ name: string; url: string }>;
  emojis: unknown[];
  card: null;
  poll: null;
}

export interface NotificationJson {
  id: string;
  type: string;
  created_at: string;
  group_key: string;
  account: AccountJson;
  status?: StatusJson;
}

/** Account#acct: the username alone for local accounts. */
export function acctOf(account: AccountRecord): string {
  return account.domain === null ? account.username : `${account.username}@${account.domain}`;
}

export class EntityRenderer {
  readonly #site: SiteInfo;
  readonly #store: Store;

  constructor(site: SiteInfo, store: Store) {
    this.#site = site;
    this.#store = store;
  }

  account(account: AccountRecord): AccountJson {
    const statuses = this.#store.statuses.filter((status) => status.account === account);
    const missing = (kind: string) => `${this.#site.baseUrl}/${kind}/original/missing.png`;
    return {
      id: account.id,
      username: account.username,
      acct: acctOf(account),
      display_name: account.displayName,
      locked: false,
      bot: account.bot,
      discoverable: true,
      indexable: false,
      group: false,
      // REST::AccountSerializer rounds the creation time down to midnight.
      created_at: midnight(account.createdAt).toISOString(),
      note: '',
      url: account.url,
      uri: account.uri,
      avatar: missing('avatars'),
      avatar_static: missing('avatars'),
      header: missing('headers'),
      header_static: missing('headers'),
      followers_count: 0,
      following_count: 0,
      statuses_count: statuses.length,
      last_status_at: statuses.at(-1)?.createdAt.toISOString().slice(0, 10) ?? null,
      hide_collections: null,
      noindex: false,
      emojis: [],
      roles: [],
      fields: [],
    };
  }

  credentialAccount(account: AccountRecord): CredentialAccountJson {
    return {
      ...this.account(account),
      source: {
        privacy: 'public',
        sensitive: false,
        language: null,
        note: '',
        fields: [],
        follow_requests_count: 0,
        hide_collections: null,
        discoverable: true,
        indexable: false,
        attribution_domains: [],
      },
      role: { id: '-99', name: '', permissions: '0', color: '', highlighted: false },
    };
  }

  /** REST::StatusSerializer; the viewer-specific fields appear only for a signed-in viewer. */
  status(status: StatusRecord, viewer?: AccountRecord): StatusJson {
    const json: StatusJson = {
      id: status.id,
      created_at: status.createdAt.toISOString(),
      in_reply_to_id: status.inReplyTo?.id ?? null,
      in_reply_to_account_id: status.inReplyTo?.account.id ?? null,
      sensitive: status.sensitive,
      spoiler_text: status.spoilerText,
      visibility: status.visibility,
      language: status.language,
      uri: status.uri,
      url: status.url,
      replies_count: this.#store.replies(status).length,
      reblogs_count: 0,
      favourites_count: status.favouritedBy.size,
      edited_at: null,
      content: status.content,
      reblog: null,
      account: this.account(status.account),
      media_attachments: [],
      mentions: status.mentions.map((account) => ({ id: account.id, username: account.username, url: account.url, acct: acctOf(account) })),
      tags: status.tags.map((tag) => ({ ...tag })),
      emojis: [],
      card: null,
      poll: null,
    };
    if (viewer) Object.assign(json, this.#viewerFields(status, viewer));
    return json;
  }

  #viewerFields(status: StatusRecord, viewer: AccountRecord): Partial<StatusJson> {
    const own = status.account === viewer;
    return {
      favourited: status.favouritedBy.has(viewer),
      reblogged: false,
      muted: false,
      bookmarked: false,
      ...(own && status.visibility !== 'direct' ? { pinned: false } : {}),
      filtered: [],
      ...(own ? { application: { name: 'fedidig tests', website: null } } : {}),
    };
  }

  /** REST::NotificationSerializer, rendered for its recipient. */
  notification(notification: NotificationRecord): NotificationJson {
    return {
      id: notification.id,
      type: notification.type,
      created_at: notification.createdAt.toISOString(),
      group_key: notification.groupKey,
      account: this.account(notification.from),
      ...(notification.status ? { status: this.status(notification.status, notification.recipient) } : {}),
    };
  }

  /** REST::InstanceSerializer (`GET /api/v2/instance`). */
  instanceV2(): Record<string, unknown> {
    const site = this.#site;
    return {
      domain: site.domain,
      title: site.title,
      version: site.version,
      source_url: 'https://github.com/mastodon/mastodon',
      description: '',
      usage: { users: { active_month: this.#store.accounts.filter((a) => a.domain === null).length } },
      thumbnail: { url: `${site.baseUrl}/packs/media/images/preview.png` },
      icon: [],
      languages: ['en'],
      configuration: {
        // Servers without a streaming API leave the URL out.
        urls: {
          ...(site.streamingUrl ? { streaming: site.streamingUrl } : {}),
          status: null,
          about: `${site.baseUrl}/about`,
          privacy_policy: `${site.baseUrl}/privacy-policy`,
          terms_of_service: null,
        },
        vapid: { public_key: '' },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
        ...this.#limits(),
        translation: { enabled: false },
      },
      registrations: { enabled: false, approval_required: false, message: null, url: null },
      api_versions: { mastodon: 2 },
      contact: { email: '', account: null },
      rules: [],
    };
  }

  /** REST::V1::InstanceSerializer (`GET /api/v1/instance`). */
  instanceV1(): Record<string, unknown> {
    const site = this.#site;
    return {
      uri: site.domain,
      title: site.title,
      short_description: '',
      description: '',
      email: '',
      version: site.version,
      urls: site.streamingUrl ? { streaming_api: site.streamingUrl } : {},
      stats: { user_count: this.#store.accounts.filter((a) => a.domain === null).length, status_count: this.#store.statuses.length, domain_count: 0 },
      thumbnail: `${site.baseUrl}/packs/media/images/preview.png`,
      languages: ['en'],
      registrations: false,
      approval_required: false,
      invites_enabled: false,
      configuration: { accounts: { max_featured_tags: 10 }, ...this.#limits() },
      contact_account: null,
      rules: [],
    };
  }

  /** The limits both instance entities share. */
  #limits(): Record<string, unknown> {
    return {
      statuses: { max_characters: this.#site.maxCharacters, max_media_attachments: 4, characters_reserved_per_url: URL_PLACEHOLDER_CHARS },
      media_attachments: {
        supported_mime_types: [],
        image_size_limit: 16777216,
        image_matrix_limit: 33177600,
        video_size_limit: 103809024,
        video_frame_rate_limit: 120,
        video_matrix_limit: 8294400,
      },
      polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 },
    };
  }
}

function midnight(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
