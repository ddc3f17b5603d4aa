/**
 * How servers other than Mastodon turn a posted `status` into the `content`
 * HTML, each after its own formatter (see flavours.ts and the research
 * notes for the sources), plus the mentions and hashtags the formatter
 * found, which become the status's `mentions` and `tags`:
 *
 *   hollo       src/text.ts formatText: markdown-it 15, linkify with fuzzyLink,
 *               @fedify/markdown-it-mention and -hashtag; then src/xss.ts
 *               drops the data-* attributes. (Shiki code highlighting is not
 *               reproduced: fences render as plain <pre><code>.)
 *   gotosocial  internal/text/plain.go FromPlain (text/plain, the default) and
 *               markdown.go FromMarkdown (text/markdown), goldmark_custom_renderer.go.
 *   akkoma      lib/pleroma/web/common_api/utils.ex format_input and
 *               lib/pleroma/formatter.ex (Linkify with validate_tld: :no_scheme).
 *   sharkey     core/MfmService.ts toMastoApiHtml(mfm.parse(text)), mfm-js 0.26.
 */
import { type PluginOptions as HashtagOptions, hashtag as hashtagPlugin } from '@fedify/markdown-it-hashtag';
import { type PluginOptions as MentionOptions, mention as mentionPlugin } from '@fedify/markdown-it-mention';
import MarkdownIt from 'markdown-it';
import * as mfm from 'mfm-js';
import type { Renderer } from './flavours.ts';
import type { AccountRecord } from './store.ts';

export interface RenderContext {
  /** The rendering server's domain. */
  readonly localDomain: string;
  /** The rendering server's root URL, for hashtag links. */
  readonly baseUrl: string;
  /** An account by username and domain (null: an account of this server). */
  readonly findAccount: (username: string, domain: string | null) => AccountRecord | undefined;
  /**
   * A bare `@user` means a local account even where the server needs
   * `@user@domain` (Hollo): for questions a test posts as Mastodon-like text.
   */
  readonly bareLocalMentions: boolean;
  /** The `content_type` parameter, where the server reads one. */
  readonly contentType: string | undefined;
}

export interface RenderedStatus {
  readonly html: string;
  readonly mentions: readonly AccountRecord[];
  /** Hashtag names as given, without `#`. */
  readonly tags: readonly string[];
}

export function renderStatusText(renderer: Exclude<Renderer, 'mastodon'>, text: string, context: RenderContext): RenderedStatus {
  switch (renderer) {
    case 'hollo':
      return renderHollo(text, context);
    case 'gotosocial':
      return context.contentType === 'text/markdown' ? renderMarkdown(text, context, GOTOSOCIAL_MARKUP, true) : renderGoToSocialPlain(text, context);
    case 'akkoma':
      return context.contentType === 'text/markdown' ? renderMarkdown(text, context, AKKOMA_MARKUP, false) : renderAkkomaPlain(text, context);
    case 'sharkey':
      return renderSharkey(text, context);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
}

/** Collects resolved accounts once each, in order of appearance. */
class Found {
  readonly mentions: AccountRecord[] = [];
  readonly tags: string[] = [];

  mention(account: AccountRecord): void {
    if (!this.mentions.includes(account)) this.mentions.push(account);
  }

  tag(name: string): void {
    if (!this.tags.some((tag) => tag.toLowerCase() === name.toLowerCase())) this.tags.push(name);
  }
}

function resolve(context: RenderContext, username: string, domain: string | undefined | null): AccountRecord | undefined {
  const local = domain === undefined || domain === null || domain.toLowerCase() === context.localDomain.toLowerCase();
  return context.findAccount(username, local ? null : domain);
}

// ---------------------------------------------------------------- Hollo

function renderHollo(text: string, context: RenderContext): RenderedStatus {
  const found = new Found();
  const accountOf = (handle: string) => {
    const [, username = '', domain] = /^@([^@]+)@?(.*)$/.exec(handle) ?? [];
    return resolve(context, username, domain);
  };
  // createMarkdownIt() in src/text.ts.
  const md = new MarkdownIt({ linkify: true, html: false });
  md.linkify.set({ fuzzyLink: true });
  md.use<[MentionOptions]>(mentionPlugin, {
    ...(context.bareLocalMentions ? { localDomain: () => context.localDomain } : {}),
    link: (handle: string) => {
      const account = accountOf(handle);
      if (!account) return null;
      found.mention(account);
      return account.url;
    },
    linkAttributes: () => ({ translate: 'no', class: 'h-card u-url mention' }),
    label: (handle: string) => `@<span>${escapeHtml(handle.replaceAll(/(?:^@)|(?:@[^@]+$)/g, ''))}</span>`,
  });
  md.use<[HashtagOptions]>(hashtagPlugin, {
    link: (tag: string) => new URL(`/tags/${encodeURIComponent(tag.substring(1))}`, context.baseUrl).href,
    linkAttributes: () => ({ class: 'mention hashtag', rel: 'tag' }),
    label: (tag: string) => `#<span>${escapeHtml(tag.substring(1))}</span>`,
  });
  const env: { hashtags?: string[] } = {};
  const html = md
    .render(text, env)
    // sanitizeHtml (src/xss.ts) re-serializes the anchors the plugins write as `<a  attr…>`.
    .replaceAll('<a  ', '<a ')
    // cleanupRedundantWhitespacesInHtml.
    .replaceAll(/(<\/(?:h[123456r]|li|ol|p|pre|ul)?>)\s+(<(?:h[123456r]|li|ol|p|pre|ul)>)/g, (_, a: string, b: string) => a + b);
  for (const tag of env.hashtags ?? []) found.tag(tag.substring(1));
  return { html, mentions: found.mentions, tags: found.tags };
}

// ---------------------------------------------------------------- plain-text linkifiers (GoToSocial, Akkoma)

interface Markup {
  readonly mention: (account: AccountRecord) => string;
  readonly hashtag: (name: string, context: RenderContext) => string;
  readonly link: (href: string, label: string) => string;
  /** Links bare `host.tld` (Akkoma, when the TLD is real). */
  readonly bareHosts: boolean;
  /** Links `www.host` without a scheme (GoToSocial). */
  readonly www: boolean;
}

const GTS_REL = 'nofollow noreferrer noopener';

/** internal/text/goldmark_custom_renderer.go handleMention / handleHashtag; goldmark linkify. */
const GOTOSOCIAL_MARKUP: Markup = {
  mention: (account) =>
    `<span class="h-card"><a href="${escapeHtml(account.url)}" class="u-url mention" rel="${GTS_REL}" target="_blank">@<span>${escapeHtml(account.username)}</span></a></span>`,
  hashtag: (name, context) =>
    `<a href="${escapeHtml(`${context.baseUrl}/tags/${name.toLowerCase()}`)}" class="mention hashtag" rel="tag ${GTS_REL}" target="_blank">#<span>${escapeHtml(name)}</span></a>`,
  link: (href, label) => `<a href="${escapeHtml(href)}" rel="${GTS_REL}" target="_blank">${escapeHtml(label)}</a>`,
  bareHosts: false,
  www: true,
};

/** lib/pleroma/formatter.ex mention_tag / hashtag_handler; Linkify with rel "ugc". */
const AKKOMA_MARKUP: Markup = {
  mention: (account) =>
    `<span class="h-card"><a class="u-url mention" data-user="${escapeHtml(account.id)}" href="${escapeHtml(account.uri)}" rel="ugc">@<span>${escapeHtml(account.username)}</span></a></span>`,
  hashtag: (name, context) =>
    `<a class="hashtag" data-tag="${escapeHtml(name.toLowerCase())}" href="${escapeHtml(`${context.baseUrl}/tag/${name.toLowerCase()}`)}" rel="tag ugc">#${escapeHtml(name)}</a>`,
  link: (href, label) => `<a href="${escapeHtml(href)}" rel="ugc">${escapeHtml(label)}</a>`,
  bareHosts: true,
  www: false,
};

/**
 * Top-level domains Akkoma's Linkify finds in the IANA list (a sample of the
 * common ones; every two-letter country code counts as well). Special-use
 * and private names such as `test`, `lan` or `internal` are not in it.
 */
const REAL_TLDS = new Set([
  'com',
  'net',
  'org',
  'edu',
  'gov',
  'mil',
  'int',
  'info',
  'biz',
  'name',
  'pro',
  'aero',
  'coop',
  'museum',
  'mobi',
  'asia',
  'tel',
  'travel',
  'jobs',
  'io',
  'dev',
  'app',
  'page',
  'social',
  'xyz',
  'online',
  'site',
  'tech',
  'cloud',
  'blog',
  'zone',
  'network',
  'email',
  'club',
  'space',
  'website',
  'one',
  'systems',
  'digital',
  'link',
  'live',
  'news',
  'art',
  'top',
  'shop',
  'store',
  'wiki',
  'moe',
  'lol',
  'gay',
  'onion',
  'arpa',
]);

function isRealTld(tld: string): boolean {
  const lower = tld.toLowerCase();
  return REAL_TLDS.has(lower) || /^[a-z]{2}$/.test(lower);
}

const ENTITY_RE = new RegExp(
  [
    String.raw`(?<url>(?<![\w])(?:https?|ftp):\/\/[^\s<>"]+)`,
    String.raw`(?<www>(?<![\w.@/-])www\.[^\s<>"]+)`,
    String.raw`(?<![\w@/])@(?<user>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@(?<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+))?`,
    String.raw`(?<![\w&/#])#(?<tag>[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)`,
    String.raw`(?<host>(?<![\w@/.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?<tld>[a-z]{2,})(?![\w@-])(?:\/[^\s<>"]*)?)`,
  ].join('|'),
  'giu',
);

const TRAILING_PUNCTUATION = /[.,;:!?)\]'"]+$/;

/** Finds URLs, mentions and hashtags in plain text and writes them as `markup` says; the rest escaped. */
function linkifyPlain(text: string, context: RenderContext, markup: Markup, found: Found): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(ENTITY_RE)) {
    const groups = match.groups ?? {};
    let raw = match[0];
    let rendered: string | undefined;
    if (groups.url !== undefined || groups.www !== undefined || groups.host !== undefined) {
      raw = raw.replace(TRAILING_PUNCTUATION, '');
      if (groups.url !== undefined) rendered = markup.link(raw, raw);
      else if (groups.www !== undefined && markup.www) rendered = markup.link(`http://${raw}`, raw);
      else if (groups.host !== undefined && markup.bareHosts && isRealTld(/\.([a-z]+)(?:\/|$)/i.exec(raw)?.[1] ?? ''))
        rendered = markup.link(`http://${raw}`, raw);
    } else if (groups.user !== undefined) {
      const account = resolve(context, groups.user, groups.domain);
      if (account) {
        found.mention(account);
        rendered = markup.mention(account);
      }
    } else if (groups.tag !== undefined) {
      found.tag(groups.tag);
      rendered = markup.hashtag(groups.tag, context);
    }
    if (rendered === undefined) continue;
    html += escapeHtml(text.slice(last, match.index)) + rendered;
    last = match.index + raw.length;
  }
  return html + escapeHtml(text.slice(last));
}

/** FromPlain: the whole text in one `<p>`, every newline a `<br>`, no inline markdown. */
function renderGoToSocialPlain(text: string, context: RenderContext): RenderedStatus {
  const found = new Found();
  const html = `<p>${linkifyPlain(text, context, GOTOSOCIAL_MARKUP, found).replace(/\r?\n/g, '<br>')}</p>`;
  return { html, mentions: found.mentions, tags: found.tags };
}

/** format_input "text/plain": escape, Linkify, then `\r?\n` → `<br>`; no `<p>`. */
function renderAkkomaPlain(text: string, context: RenderContext): RenderedStatus {
  const found = new Found();
  const html = linkifyPlain(text, context, AKKOMA_MARKUP, found).replace(/\r?\n/g, '<br>');
  return { html, mentions: found.mentions, tags: found.tags };
}

/**
 * Markdown (GoToSocial's goldmark with hard wraps; Akkoma's Earmark without):
 * mentions, hashtags and links only in text outside code and links.
 */
function renderMarkdown(text: string, context: RenderContext, markup: Markup, hardBreaks: boolean): RenderedStatus {
  const found = new Found();
  const md = new MarkdownIt({ html: false, breaks: hardBreaks, linkify: false });
  md.core.ruler.after('inline', 'fediverse-entities', (state) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue;
      let linkDepth = 0;
      block.children = block.children.flatMap((token) => {
        if (token.type === 'link_open') linkDepth += 1;
        if (token.type === 'link_close') linkDepth -= 1;
        if (token.type !== 'text' || linkDepth > 0) return [token];
        const html = new state.Token('html_inline', '', 0);
        html.content = linkifyPlain(token.content, context, markup, found);
        return [html];
      });
    }
  });
  const html = md
    .render(text)
    .replace(/\n(?=<)|(?<=>)\n/g, '')
    .replace(/<br>\n/g, '<br>');
  return { html, mentions: found.mentions, tags: found.tags };
}

// ---------------------------------------------------------------- Sharkey

/** dom-serializer with encodeEntities 'utf8', as toMastoApiHtml renders. */
function escapeText(text: string): string {
  return text.replace(/[&<>\u00A0]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\u00A0': '&nbsp;' })[c] ?? c);
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"\u00A0]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '\u00A0': '&nbsp;' })[c] ?? c);
}

function element(name: string, attributes: Record<string, string>, inner: string): string {
  const rendered = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
    .join('');
  return `<${name}${rendered}>${inner}</${name}>`;
}

function lines(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(escapeText)
    .join('<br>');
}

function renderSharkey(source: string, context: RenderContext): RenderedStatus {
  const found = new Found();
  // NoteCreateService trims the text.
  const nodes = mfm.parse(source.trim());
  for (const node of mfm.extract(nodes, (n) => n.type === 'hashtag')) if (node.type === 'hashtag') found.tag(node.props.hashtag);
  const children = (list: mfm.MfmNode[] | undefined) => (list ?? []).map(render).join('');
  const marked = (marker: string, node: mfm.MfmNode) => element('span', {}, escapeText(marker) + children(node.children) + escapeText(marker));
  function render(node: mfm.MfmNode): string {
    switch (node.type) {
      case 'bold':
        return marked('**', node);
      case 'strike':
        return marked('~~', node);
      case 'italic':
        return marked('*', node);
      case 'fn':
        return node.props.name === 'group' ? element('span', {}, children(node.children)) : marked('*', node);
      case 'small':
        return element('small', {}, children(node.children));
      case 'center':
        return element('div', {}, children(node.children));
      case 'quote':
        return element('blockquote', {}, children(node.children));
      case 'plain':
        return element('span', {}, children(node.children));
      case 'blockCode':
        return element('pre', {}, element('code', {}, lines(node.props.code)));
      case 'inlineCode':
        return element('code', {}, escapeText(node.props.code));
      case 'mathInline':
      case 'mathBlock':
        return element('code', {}, escapeText(node.props.formula));
      case 'emojiCode':
        return escapeText(`\u200B:${node.props.name}:\u200B`);
      case 'unicodeEmoji':
        return escapeText(node.props.emoji);
      case 'hashtag':
        return element('a', { href: `${context.baseUrl}/tags/${node.props.hashtag}`, rel: 'tag', class: 'hashtag' }, escapeText(`#${node.props.hashtag}`));
      case 'link':
        return element('a', { rel: 'nofollow noopener noreferrer', target: '_blank', href: node.props.url }, children(node.children));
      case 'url':
        return element(
          'a',
          { rel: 'nofollow noopener noreferrer', target: '_blank', href: node.props.url },
          escapeText(node.props.url.replace(/^https?:\/\//, '')),
        );
      case 'search':
        return element('a', { href: `https://www.google.com/search?q=${node.props.query}` }, escapeText(node.props.content));
      case 'mention': {
        const account = resolve(context, node.props.username, node.props.host);
        if (account) found.mention(account);
        // Only remote users (mentionedRemoteUsers) get a link; a local mention stays text.
        if (!account || account.domain === null) return element('span', {}, escapeText(node.props.acct));
        const link = element('a', { href: account.url, class: 'u-url mention' }, `@${element('span', {}, escapeText(account.username))}`);
        return element('span', { class: 'h-card', translate: 'no' }, link);
      }
      case 'text':
        return /[\r\n]/.test(node.props.text) ? element('span', {}, lines(node.props.text)) : escapeText(node.props.text);
    }
  }
  return { html: element('p', {}, nodes.map(render).join('')), mentions: found.mentions, tags: found.tags };
}
