/**
 * The `content` HTML of a status, as Mastodon's TextFormatter
 * (app/lib/text_formatter.rb) renders a local status and as Sanitize with
 * Mastodon's MASTODON_STRICT config (lib/sanitize_ext/sanitize_config.rb)
 * re-serializes the HTML a remote Mastodon server sent.
 */
import { extractEntities, isBlank, type TextEntity } from './text-entities.ts';

/** An account as the rendering server sees it: `domain` is null for its own accounts. */
export interface MentionTarget {
  readonly username: string;
  readonly domain: string | null;
  readonly url: string;
}

export interface FormatOptions {
  /** The rendering server's domain, against which `@user@domain` counts as local. */
  readonly localDomain: string;
  /** The rendering server's root URL, for hashtag links. */
  readonly baseUrl: string;
  /** FormattingHelper#status_content_format preloads the author and the mentioned accounts. */
  readonly preloadedAccounts: readonly MentionTarget[];
}

interface Dialect {
  readonly escapeText: (text: string) => string;
  readonly escapeAttribute: (text: string) => string;
  readonly lineBreak: string;
  readonly anchorAttributes: (attributes: Array<[string, string]>) => Array<[string, string]>;
}

/** ERB::Util.html_escape, used by TextFormatter and Rails' tag helper alike. */
function erbEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
}

const LOCAL: Dialect = {
  escapeText: erbEscape,
  escapeAttribute: erbEscape,
  lineBreak: '<br />',
  anchorAttributes: (attributes) => attributes,
};

/** Nokogiri's HTML5 serialization, which escapes less than ERB and writes void elements as `<br>`. */
const SANITIZED_REMOTE: Dialect = {
  escapeText: (text) => text.replace(/[&\u00A0<>]/g, (c) => ({ '&': '&amp;', '\u00A0': '&nbsp;', '<': '&lt;', '>': '&gt;' })[c] ?? c),
  escapeAttribute: (text) => text.replace(/[&\u00A0"]/g, (c) => ({ '&': '&amp;', '\u00A0': '&nbsp;', '"': '&quot;' })[c] ?? c),
  lineBreak: '<br>',
  anchorAttributes: forceLinkAttributes,
};

/** MASTODON_STRICT's add_attributes: every link gets this rel and target, replacing what it had. */
function forceLinkAttributes(attributes: Array<[string, string]>): Array<[string, string]> {
  const forced: Array<[string, string]> = [
    ['rel', 'nofollow noopener'],
    ['target', '_blank'],
  ];
  const result = attributes.map(([name, value]): [string, string] => [name, forced.find(([n]) => n === name)?.[1] ?? value]);
  for (const [name, value] of forced) if (!result.some(([n]) => n === name)) result.push([name, value]);
  return result;
}

/** TextFormatter#to_s for a status written on this server. */
export function formatLocalStatus(text: string, options: FormatOptions): string {
  return format(text, options, LOCAL);
}

/** What a remote Mastodon renders for its own status, after this server sanitized it. */
export function formatRemoteStatus(text: string, options: FormatOptions): string {
  return format(text, options, SANITIZED_REMOTE);
}

function format(text: string, options: FormatOptions, dialect: Dialect): string {
  if (isBlank(text)) return '';
  let html = '';
  let last = 0;
  for (const entity of extractEntities(text)) {
    html += dialect.escapeText(text.slice(last, entity.start)) + renderEntity(entity, options, dialect);
    last = entity.end;
  }
  html += dialect.escapeText(text.slice(last));
  return simpleFormat(html, dialect.lineBreak);
}

function renderEntity(entity: TextEntity, options: FormatOptions, dialect: Dialect): string {
  switch (entity.kind) {
    case 'url':
      return shortenedLink(entity.value, dialect);
    case 'hashtag':
      return hashtagLink(entity.value, options, dialect);
    case 'mention':
      return mentionLink(entity.value, options, dialect);
  }
}

function anchor(attributes: Array<[string, string]>, inner: string, dialect: Dialect): string {
  const rendered = dialect
    .anchorAttributes(attributes)
    .map(([name, value]) => ` ${name}="${dialect.escapeAttribute(value)}"`)
    .join('');
  return `<a${rendered}>${inner}</a>`;
}

function span(className: string, text: string, dialect: Dialect): string {
  return `<span class="${dialect.escapeAttribute(className)}">${dialect.escapeText(text)}</span>`;
}

const URL_PREFIX_RE = /^(?:https?:\/\/(?:www\.)?|xmpp:)/;

/** TextFormatter.shortened_link: 30 visible characters, the rest hidden behind an ellipsis. */
function shortenedLink(url: string, dialect: Dialect): string {
  const prefix = URL_PREFIX_RE.exec(url)?.[0] ?? '';
  // Ruby indexes strings by code point.
  const rest = [...url.slice(prefix.length)];
  let display = rest.slice(0, 30).join('');
  let suffix = rest.slice(30).join('');
  let cutoff = rest.length > 30;
  if (rest.length === 31) {
    // One hidden character is not worth an ellipsis.
    display += suffix;
    suffix = '';
    cutoff = false;
  }
  const inner = span('invisible', prefix, dialect) + span(cutoff ? 'ellipsis' : '', display, dialect) + span('invisible', suffix, dialect);
  return anchor(
    [
      ['href', url],
      ['target', '_blank'],
      ['rel', 'nofollow noopener'],
      ['translate', 'no'],
    ],
    inner,
    dialect,
  );
}

function hashtagLink(hashtag: string, options: FormatOptions, dialect: Dialect): string {
  const href = `${options.baseUrl}/tags/${encodeURIComponent(hashtag)}`;
  const inner = `#<span>${dialect.escapeText(hashtag)}</span>`;
  return anchor(
    [
      ['href', href],
      ['class', 'mention hashtag'],
      ['rel', 'tag'],
    ],
    inner,
    dialect,
  );
}

/** TextFormatter#link_to_mention with preloaded accounts: unknown accounts stay plain text. */
function mentionLink(screenName: string, options: FormatOptions, dialect: Dialect): string {
  const [username = '', domainPart] = screenName.split('@');
  const domain = domainPart === undefined || sameText(domainPart.replaceAll('/', ''), options.localDomain) ? null : domainPart;
  let account: MentionTarget | undefined;
  let sameUsernameHits = 0;
  for (const other of options.preloadedAccounts) {
    if (!sameText(other.username, username)) continue;
    const sameDomain = other.domain === null ? domain === null : domain !== null && sameText(other.domain, domain);
    if (sameDomain) account = other;
    else sameUsernameHits += 1;
  }
  if (!account) return `@${dialect.escapeText(screenName)}`;
  // Two mentioned accounts share the username: show the domain to tell them apart.
  const shown = sameUsernameHits > 0 && account.domain !== null ? `${account.username}@${account.domain}` : account.username;
  const link = anchor(
    [
      ['href', account.url],
      ['class', 'u-url mention'],
    ],
    `@<span>${dialect.escapeText(shown)}</span>`,
    dialect,
  );
  return `<span class="h-card" translate="no">${link}</span>`;
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Rails' simple_format with `.delete("\n")`: paragraphs on blank lines, `<br />` on single newlines. */
function simpleFormat(html: string, lineBreak: string): string {
  const paragraphs = html.replace(/\r\n?/g, '\n').split(/\n\n+/);
  // Ruby's String#split drops trailing empty fields.
  while (paragraphs.at(-1) === '') paragraphs.pop();
  return paragraphs
    .map((paragraph) => `<p>${paragraph.replace(/([^\n]\n)(?=[^\n])/g, `$1${lineBreak}`)}</p>`)
    .join('')
    .replaceAll('\n', '');
}
