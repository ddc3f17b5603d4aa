/**
 * What happens when someone posts, favourites or follows: Mastodon's
 * PostStatusService, ProcessMentionsService, ProcessHashtagsService and the
 * notifications they cause, for local authors and for statuses that arrive
 * from remote (simulated) servers alike.
 */
import { ApiError } from './api-error.ts';
import type { SiteInfo } from './entities.ts';
import { renderStatusText } from './flavour-html.ts';
import type { FlavourFacts } from './flavours.ts';
import { formatLocalStatus, formatRemoteStatus, type MentionTarget } from './status-html.ts';
import { countableLength } from './status-length.ts';
import { VISIBILITIES, type AccountRecord, type NotificationType, type StatusRecord, type Store, type TagRecord, type Visibility } from './store.ts';
import { extractHashtags, isBlank, normalizeHashtag, rewriteMentions, rubyStrip } from './text-entities.ts';

export interface PostStatusParams {
  readonly status?: string | undefined;
  readonly visibility?: string | undefined;
  readonly in_reply_to_id?: string | undefined;
  readonly spoiler_text?: string | undefined;
  readonly sensitive?: boolean | undefined;
  readonly language?: string | undefined;
  /** Read by GoToSocial and Akkoma (text/plain, text/markdown); ignored by the others. */
  readonly content_type?: string | undefined;
}

export interface ActivityContext {
  readonly store: Store;
  readonly site: SiteInfo;
  /** The server's ways (flavours.ts). */
  readonly facts: FlavourFacts;
}

export interface PostOptions {
  readonly idempotencyKey?: string | undefined;
  /**
   * A question a test posts (`MastodonInstance#post`): written as Mastodon
   * text, so a bare `@user` names a local account even on servers that
   * need `@user@domain`.
   */
  readonly asker?: boolean;
}

/** `POST /api/v1/statuses` after authentication, also used to simulate federated posts. */
export function postStatus(context: ActivityContext, author: AccountRecord, params: PostStatusParams, options: PostOptions = {}): StatusRecord {
  const { store, facts } = context;
  // Api::V1::StatusesController#set_thread runs before the idempotency check.
  const thread = findThread(store, author, params.in_reply_to_id);
  const now = Date.now();
  const idempotencyKey = facts.idempotency ? options.idempotencyKey : undefined;
  if (idempotencyKey) {
    const duplicate = store.idempotentStatus(author, idempotencyKey, now);
    if (duplicate) return duplicate;
  }
  // A remote author's status was written on (and rendered by) a Mastodon server elsewhere.
  const status =
    facts.renderer !== 'mastodon' && author.domain === null
      ? flavouredStatus(context, author, params, thread, options.asker === true)
      : mastodonStatus(context, author, params, thread);
  store.addStatus(status);
  for (const account of status.mentions) notify(store, 'mention', account, author, status);
  if (idempotencyKey) store.rememberIdempotency(author, idempotencyKey, status, now);
  return status;
}

function mastodonStatus(context: ActivityContext, author: AccountRecord, params: PostStatusParams, thread: StatusRecord | undefined): StatusRecord {
  const serverDomain = author.domain ?? context.site.domain;
  const mentions: AccountRecord[] = [];
  const text = rubyStrip(
    rewriteMentions(params.status ?? '', (screenName) => {
      const account = resolveMention(context, screenName, serverDomain);
      if (!account) return undefined;
      if (!mentions.includes(account)) mentions.push(account);
      return `@${acctFrom(context, account, serverDomain)}`;
    }),
  );
  const spoilerText = rubyStrip(params.spoiler_text ?? '');
  const visibility = validate(context, author, params.visibility ?? 'public', text, spoilerText);
  return buildStatus(context, { author, text, spoilerText, visibility, thread, mentions, params });
}

/** A local status on a server that is not Mastodon: its own checks, visibilities and formatter (flavours.ts). */
function flavouredStatus(
  context: ActivityContext,
  author: AccountRecord,
  params: PostStatusParams,
  thread: StatusRecord | undefined,
  asker: boolean,
): StatusRecord {
  const { facts, site, store } = context;
  const text = params.status ?? '';
  const spoilerText = params.spoiler_text ?? '';
  if (isBlank(text)) throw facts.blankError;
  const visibility = flavouredVisibility(facts, params.visibility, thread);
  facts.checkLength?.(text, spoilerText, site.enforcedMaxCharacters ?? site.maxCharacters);
  if (facts.renderer === 'mastodon') throw new Error('unreachable');
  const rendered = renderStatusText(facts.renderer, text, {
    localDomain: site.domain,
    baseUrl: site.baseUrl,
    findAccount: (username, domain) => store.accountByName(username, domain),
    bareLocalMentions: asker,
    contentType: params.content_type,
  });
  const mentions = [...rendered.mentions];
  if (facts.mentionsParentAuthor && thread && thread.account !== author && !mentions.includes(thread.account)) mentions.push(thread.account);
  const names = [...new Set(rendered.tags.map((tag) => tag.toLowerCase()))];
  const id = store.statusIds.next();
  return {
    id,
    account: author,
    text,
    content: rendered.html,
    spoilerText,
    sensitive: params.sensitive === true || spoilerText !== '',
    language: params.language ?? 'en',
    visibility,
    inReplyTo: thread,
    mentions,
    tags: names.map((name) => ({ name, url: `${site.baseUrl}/tags/${encodeURIComponent(name)}` })),
    createdAt: new Date(),
    uri: `${author.uri}/statuses/${id}`,
    url: `${author.url}/${id}`,
    favouritedBy: new Set(),
  };
}

function flavouredVisibility(facts: FlavourFacts, requested: string | undefined, thread: StatusRecord | undefined): Visibility {
  const fallback = facts.defaultVisibility === 'parent' ? (thread?.visibility ?? 'public') : facts.defaultVisibility;
  let visibility = requested ? facts.visibilities[requested] : fallback;
  if (visibility === undefined) {
    if (facts.invalidVisibility !== 'default') throw facts.invalidVisibility;
    visibility = fallback;
  }
  if (facts.directReplyError && thread?.visibility === 'direct' && visibility !== 'direct') throw facts.directReplyError;
  return visibility;
}

export function favourite(context: ActivityContext, account: AccountRecord, status: StatusRecord): void {
  status.favouritedBy.add(account);
  notify(context.store, 'favourite', status.account, account, status);
}

export function follow(context: ActivityContext, follower: AccountRecord, target: AccountRecord): void {
  notify(context.store, 'follow', target, follower, undefined);
}

function findThread(store: Store, author: AccountRecord, inReplyToId: string | undefined): StatusRecord | undefined {
  if (!inReplyToId) return undefined;
  const thread = store.statusById(inReplyToId);
  if (!thread || !store.canView(thread, author)) {
    throw new ApiError(404, 'The post you are trying to reply to does not appear to exist.');
  }
  return thread;
}

/** An `@user` or `@user@domain` as the author's own server resolves it. */
function resolveMention(context: ActivityContext, screenName: string, serverDomain: string): AccountRecord | undefined {
  const [username = '', domain = serverDomain] = screenName.split('@');
  const wanted = domain.toLowerCase();
  return context.store.accounts.find(
    (account) => account.username.toLowerCase() === username.toLowerCase() && absoluteDomain(context, account).toLowerCase() === wanted,
  );
}

function absoluteDomain(context: ActivityContext, account: AccountRecord): string {
  return account.domain ?? context.site.domain;
}

/** Account#acct as seen from `serverDomain`. */
function acctFrom(context: ActivityContext, account: AccountRecord, serverDomain: string): string {
  const domain = absoluteDomain(context, account);
  return domain.toLowerCase() === serverDomain.toLowerCase() ? account.username : `${account.username}@${domain}`;
}

/** The Status model's validations, which PostStatusService turns into a 422. */
function validate(context: ActivityContext, author: AccountRecord, visibility: string, text: string, spoilerText: string): Visibility {
  const errors: string[] = [];
  if (!(VISIBILITIES as readonly string[]).includes(visibility)) errors.push('Visibility is not included in the list');
  if (isBlank(text)) errors.push("Text can't be blank");
  const max = context.site.enforcedMaxCharacters ?? context.site.maxCharacters;
  // Only statuses written here are measured; remote servers apply their own limits.
  if (author.domain === null && countableLength(text, spoilerText) > max) errors.push(`Text character limit of ${max} exceeded`);
  if (errors.length > 0) throw new ApiError(422, `Validation failed: ${errors.join(', ')}`);
  return visibility as Visibility;
}

interface StatusDraft {
  readonly author: AccountRecord;
  readonly text: string;
  readonly spoilerText: string;
  readonly visibility: Visibility;
  readonly thread: StatusRecord | undefined;
  readonly mentions: readonly AccountRecord[];
  readonly params: PostStatusParams;
}

function buildStatus(context: ActivityContext, draft: StatusDraft): StatusRecord {
  const { author, params } = draft;
  const id = context.store.statusIds.next();
  const local = author.domain === null;
  return {
    id,
    account: author,
    text: draft.text,
    content: renderContent(context, draft),
    spoilerText: draft.spoilerText,
    sensitive: params.sensitive === true || draft.spoilerText !== '',
    language: params.language ?? (local ? 'en' : null),
    visibility: draft.visibility,
    inReplyTo: draft.thread,
    mentions: draft.mentions,
    tags: tagsOf(context, draft.text),
    createdAt: new Date(),
    uri: `${author.uri}/statuses/${id}`,
    url: `${author.url}/${id}`,
    favouritedBy: new Set(),
  };
}

/**
 * A local status is rendered here; a remote one is rendered by its own
 * server (mentions resolved and hashtags linked there) and then sanitized
 * here, which is what a bot sees of a mention from another instance.
 */
function renderContent(context: ActivityContext, draft: StatusDraft): string {
  const serverDomain = absoluteDomain(context, draft.author);
  const preloadedAccounts: MentionTarget[] = [draft.author, ...draft.mentions].map((account) => {
    const domain = absoluteDomain(context, account);
    return { username: account.username, domain: domain === serverDomain ? null : domain, url: account.url };
  });
  if (draft.author.domain === null) {
    return formatLocalStatus(draft.text, { localDomain: serverDomain, baseUrl: context.site.baseUrl, preloadedAccounts });
  }
  return formatRemoteStatus(draft.text, { localDomain: serverDomain, baseUrl: `https://${serverDomain}`, preloadedAccounts });
}

/** ProcessHashtagsService: normalized, unique tags linking to this instance's tag pages. */
function tagsOf(context: ActivityContext, text: string): TagRecord[] {
  const names = new Set(
    extractHashtags(text)
      .map((tag) => normalizeHashtag(tag.value))
      .filter((name) => name !== ''),
  );
  return [...names].map((name) => ({ name, url: `${context.site.baseUrl}/tags/${encodeURIComponent(name)}` }));
}

/** NotifyService: only accounts of this instance are notified, and never of their own actions. */
function notify(store: Store, type: NotificationType, recipient: AccountRecord, from: AccountRecord, status: StatusRecord | undefined): void {
  if (recipient.domain !== null || recipient === from) return;
  const createdAt = store.notificationTime();
  const id = store.notificationIds.next({ type, at: createdAt });
  store.addNotification({ id, type, recipient, from, status, createdAt, groupKey: groupKey(type, id, status, createdAt) });
}

/** Notification::Groups#set_group_key!: favourites and follows group by hour; the rest stand alone. */
function groupKey(type: NotificationType, id: string, status: StatusRecord | undefined, createdAt: Date): string {
  const hour = Math.floor(createdAt.getTime() / 3_600_000);
  if (type === 'favourite' && status) return `favourite-${status.id}-${hour}`;
  if (type === 'follow') return `follow-${hour}`;
  return `ungrouped-${id}`;
}
