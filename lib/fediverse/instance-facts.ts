/**
 * What the bot needs to know about its server, read from whatever the server
 * answered: Mastodon's `/api/v2/instance`, the older `/api/v1/instance`
 * (GoToSocial, Pleroma and Akkoma add their own fields to it) and nodeinfo.
 * Servers that are not Mastodon leave fields out or shape them differently
 * (Hollo's v2 has no `configuration.urls`, its v1 has `"urls": {}`): every
 * field is optional here, and a missing one becomes a stated default, never
 * a TypeError.
 */
import type { ReplyMarkup } from '../reply/markup.ts';

export interface Software {
  /** Lower case, as nodeinfo gives it: `mastodon`, `hollo`, `gotosocial`, `akkoma`, `sharkey`, … */
  readonly name: string;
  readonly version: string;
}

export interface InstanceFacts {
  readonly maxCharacters: number;
  /** The streaming API's base URL; undefined on servers without one. */
  readonly streamingUrl?: string;
  readonly software: Software;
  /** How the server reads the text of a post, and so how replies are written. */
  readonly markup: ReplyMarkup;
  /**
   * Whether the server honours `Idempotency-Key` on posts. Where it does not
   * (GoToSocial, Misskey's forks), a retried post would be a second post: the
   * bot looks in the thread for its reply before posting.
   */
  readonly idempotentPosts: boolean;
  /**
   * Whether a mention must name the domain even for an account of the server
   * itself: Hollo's Markdown mention plugin takes only `@user@domain`.
   */
  readonly mentionsNeedDomain: boolean;
  /**
   * Whether replies are posted one at a time. Hollo pages by millisecond
   * timestamps and counts statuses without a lock: posts made in the same
   * millisecond drop out of its own listings and counts.
   */
  readonly postsOneAtATime: boolean;
  /** Facts about the server worth telling the operator once, like "no streaming API: polling". */
  readonly notes: readonly string[];
}

/** The JSON of the instance endpoints, as masto hands it over (camelCased); anything may be missing. */
export interface InstanceAnswers {
  readonly v2?: unknown;
  readonly v1?: unknown;
  /** The nodeinfo document (schema 2.x), if the server has one. */
  readonly nodeinfo?: unknown;
}

export const DEFAULT_MAX_CHARACTERS = 500;

/** Servers that read every post as Markdown, whatever `content_type` says. */
const MARKDOWN_SERVERS = new Set(['hollo']);
/** Misskey and its forks read posts as MFM through their Mastodon API. */
const MFM_SERVERS = new Set(['misskey', 'sharkey', 'iceshrimp', 'iceshrimp.net', 'firefish', 'catodon', 'foundkey', 'cherrypick', 'meisskey']);
/** Misskey and the forks that keep its API (Iceshrimp.NET is a rewrite with Mastodon's alone). */
const MISSKEY_API_SERVERS = new Set([...MFM_SERVERS].filter((name) => name !== 'iceshrimp.net'));
/** Servers that ignore `Idempotency-Key` (GoToSocial's and Sharkey's status handlers never read it). */
const NO_IDEMPOTENCY = new Set(['gotosocial', ...MISSKEY_API_SERVERS]);

/** Whether nodeinfo's software name is Misskey's or a fork's that keeps Misskey's API. */
export function speaksMisskeyApi(software: Software): boolean {
  return MISSKEY_API_SERVERS.has(software.name);
}

export function readInstanceFacts(answers: InstanceAnswers, markupSetting: ReplyMarkup | 'auto' = 'auto'): InstanceFacts {
  const notes: string[] = [];
  const v2 = record(answers.v2);
  const v1 = record(answers.v1);
  const software = softwareOf(record(answers.nodeinfo), v2, v1);
  const maxCharacters =
    positive(path(v2, 'configuration', 'statuses', 'maxCharacters')) ??
    positive(path(v1, 'configuration', 'statuses', 'maxCharacters')) ??
    positive(path(v1, 'maxTootChars'));
  if (maxCharacters === undefined) notes.push(`the server states no character limit: assuming ${DEFAULT_MAX_CHARACTERS}`);
  const advertised = text(path(v2, 'configuration', 'urls', 'streaming')) ?? text(path(v1, 'urls', 'streamingApi'));
  // Their streaming URL is Misskey's own protocol, not Mastodon's (Iceshrimp.NET has Mastodon's).
  const streamingUrl = speaksMisskeyApi(software) ? undefined : advertised;
  if (!streamingUrl) notes.push(advertised ? `no Mastodon streaming API (${software.name} streams its own protocol): polling` : 'no streaming API: polling');
  const idempotentPosts = !NO_IDEMPOTENCY.has(software.name);
  if (!idempotentPosts) notes.push(`${software.name} ignores Idempotency-Key: looking in the thread before each post`);
  const markup = markupSetting === 'auto' ? markupOf(software) : markupSetting;
  notes.push(`${software.name} ${software.version || '(version unknown)'}: replies written as ${markup}${markupSetting === 'auto' ? '' : ' (REPLY_MARKUP)'}`);
  const hollo = software.name === 'hollo';
  return {
    maxCharacters: maxCharacters ?? DEFAULT_MAX_CHARACTERS,
    streamingUrl,
    software,
    markup,
    idempotentPosts,
    mentionsNeedDomain: hollo,
    postsOneAtATime: hollo,
    notes,
  };
}

/** What Misskey's own API says of the server: `meta` (maxNoteTextLength) and nodeinfo. */
export interface MisskeyAnswers {
  readonly meta: unknown;
  readonly nodeinfo?: unknown;
  /** Misskey's streaming API is at /streaming on every server. */
  readonly streamingUrl: string;
}

/**
 * The facts of a server spoken to through Misskey's API: the limit of
 * `meta`, MFM unless REPLY_MARKUP says otherwise, and no Idempotency-Key
 * (Misskey has none), so the bot looks in the thread before each post.
 */
export function misskeyInstanceFacts(answers: MisskeyAnswers, markupSetting: ReplyMarkup | 'auto' = 'auto'): InstanceFacts {
  const notes: string[] = [];
  const software = softwareOfNodeinfo(record(answers.nodeinfo)) ?? { name: 'misskey', version: text(path(record(answers.meta), 'version')) ?? '' };
  const maxCharacters = positive(path(record(answers.meta), 'maxNoteTextLength'));
  if (maxCharacters === undefined) notes.push(`meta states no maxNoteTextLength: assuming ${DEFAULT_MAX_CHARACTERS}`);
  const markup = markupSetting === 'auto' ? 'mfm' : markupSetting;
  notes.push(
    `${software.name} ${software.version || '(version unknown)'} through Misskey's API: replies written as ${markup}${markupSetting === 'auto' ? '' : ' (REPLY_MARKUP)'}`,
  );
  notes.push("Misskey's API has no Idempotency-Key: looking in the thread before each post");
  return {
    maxCharacters: maxCharacters ?? DEFAULT_MAX_CHARACTERS,
    streamingUrl: answers.streamingUrl,
    software,
    markup,
    idempotentPosts: false,
    mentionsNeedDomain: false,
    postsOneAtATime: false,
    notes,
  };
}

/** nodeinfo's `software`, where it names one. */
export function softwareOfNodeinfo(nodeinfo: unknown): Software | undefined {
  const name = text(path(record(nodeinfo), 'software', 'name'));
  return name ? { name: name.toLowerCase(), version: text(path(record(nodeinfo), 'software', 'version')) ?? '' } : undefined;
}

function markupOf(software: Software): ReplyMarkup {
  if (MARKDOWN_SERVERS.has(software.name)) return 'markdown';
  if (MFM_SERVERS.has(software.name)) return 'mfm';
  return 'plain';
}

/**
 * nodeinfo names the software plainly; without it, the `version` of the
 * instance endpoints does where the server follows the convention
 * `2.7.2 (compatible; Akkoma 3.16.0)` or `4.2.1 (compatible; Iceshrimp.NET/2024.1)`;
 * a bare version is Mastodon's (or Hollo's and GoToSocial's, which nodeinfo tells apart).
 */
function softwareOf(nodeinfo: Record<string, unknown> | undefined, v2: Record<string, unknown> | undefined, v1: Record<string, unknown> | undefined): Software {
  const named = softwareOfNodeinfo(nodeinfo);
  if (named) return named;
  const version = text(path(v2, 'version')) ?? text(path(v1, 'version')) ?? '';
  const compatible = /\(compatible; ([^\s;)/]+)[\s/]*([^;)]*)/i.exec(version);
  if (compatible) return { name: compatible[1].toLowerCase(), version: compatible[2].trim() };
  if (path(v1, 'pleroma') !== undefined) return { name: 'pleroma', version };
  return { name: 'mastodon', version };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function path(value: Record<string, unknown> | undefined, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) current = record(current)?.[key];
  return current;
}

function positive(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
