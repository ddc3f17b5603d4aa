/**
 * Finds the URLs, hashtags and mentions in a status text the way Mastodon's
 * Extractor (app/lib/extractor.rb, on top of twitter-text with Mastodon's
 * regex overrides in config/initializers/twitter_regex.rb) does, with the
 * same regular expressions translated to JavaScript.
 */

export interface TextEntity {
  readonly kind: 'url' | 'hashtag' | 'mention';
  /** The URL, the hashtag without `#`, or the mention without `@` (`user` or `user@domain`). */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** Ruby's `[[:word:]]`: letters, marks, decimal digits, connector punctuation. */
const WORD = String.raw`\p{L}\p{M}\p{Nd}\p{Pc}`;

/** Account::USERNAME_RE and Account::MENTION_RE. */
const USERNAME = String.raw`[a-z0-9_]+(?:[.\-]+[a-z0-9_]+)*`;
const MENTION_RE = new RegExp(String.raw`(?<![=/${WORD}])@(${USERNAME}(?:@[${WORD}]+(?:[.\-]+[${WORD}]+)*)?)`, 'giu');

/** twitter-text's end_mention_match: `@alice@` or `@alicé` are not mentions. */
const END_MENTION_RE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: twitter-text's class, combining marks (U+0300-U+036F) on their own included
  /^(?:[@＠]|[\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF]|:\/\/)/u;

/** Tag::HASHTAG_RE (app/models/concerns/tag/naming.rb). */
const SEPARATORS = '_\u00B7\u30FB\u200C';
const ALPHA = String.raw`\p{Alphabetic}`;
const HASHTAG_FIRST = `[${WORD}_][${WORD}${SEPARATORS}]*[${ALPHA}${SEPARATORS}][${WORD}${SEPARATORS}]*[${WORD}_]`;
const HASHTAG_LAST = `[${WORD}_]*[${ALPHA}][${WORD}_]*`;
const HASHTAG_RE = new RegExp(`(?<=^|\\s)[#＃]((?:${HASHTAG_FIRST})|(?:${HASHTAG_LAST}))`, 'gmu');
const HASHTAG_INVALID_CHARS_RE = new RegExp(`[^${ALPHA}\\p{Nd}\\u0E47-\\u0E4E${SEPARATORS}]`, 'gu');

/** twitter-text's valid_url with Mastodon's overrides for paths and query strings. */
const PATH_CHAR = String.raw`[^\p{White_Space}<>()?]`;
const BALANCED_PARENS = String.raw`\((?:${PATH_CHAR}+|${PATH_CHAR}*\(${PATH_CHAR}+\)${PATH_CHAR}*)\)`;
const PATH_END = String.raw`(?:[^\p{White_Space}()?!*"'「」<>;:=,.$%\[\]~&|@]|${BALANCED_PARENS})`;
const PATH = `(?:${PATH_CHAR}*(?:${BALANCED_PARENS}${PATH_CHAR}*)*${PATH_END}|${PATH_CHAR}+/)`;
const UCHARS = [
  String.raw`\u{A0}-\u{D7FF}\u{F900}-\u{FDCF}\u{FDF0}-\u{FFEF}\u{10000}-\u{1FFFD}\u{20000}-\u{2FFFD}`,
  String.raw`\u{30000}-\u{3FFFD}\u{40000}-\u{4FFFD}\u{50000}-\u{5FFFD}\u{60000}-\u{6FFFD}\u{70000}-\u{7FFFD}`,
  String.raw`\u{80000}-\u{8FFFD}\u{90000}-\u{9FFFD}\u{A0000}-\u{AFFFD}\u{B0000}-\u{BFFFD}\u{C0000}-\u{CFFFD}`,
  String.raw`\u{D0000}-\u{DFFFD}\u{E1000}-\u{EFFFD}\u{E000}-\u{F8FF}\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}`,
].join('');
const QUERY = String.raw`\?[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^${UCHARS}]*[a-z0-9_&=#/\-${UCHARS}]`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}_\-]*[\p{L}\p{N}])?`;
const DOMAIN = String.raw`(?:${LABEL}\.)+(\p{L}{2,}|xn--[a-z0-9\-]+)(?![\p{L}\p{N}@+\-])`;
const URL_RE = new RegExp(
  String.raw`(?<![A-Z0-9@＠$#＃])(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://${DOMAIN}(?::\d+)?(?:/${PATH}*)?(?:${QUERY})?`,
  'giu',
);

/**
 * twitter-text only links domains under a top-level domain from the IANA
 * root zone. Without that list here, the special-use names that are surely
 * absent from it are refused, so `https://dig.test` stays plain text as on
 * Mastodon (other unknown TLDs are linked where Mastodon would not).
 */
const UNDELEGATED_TLDS = new Set(['test', 'example', 'invalid', 'localhost', 'local', 'internal']);

/**
 * ProcessMentionsService#scan_text!: every MENTION_RE match is offered to
 * `rewrite`, which returns its replacement or undefined to leave it as is.
 */
export function rewriteMentions(text: string, rewrite: (screenName: string) => string | undefined): string {
  return text.replace(MENTION_RE, (match: string, screenName: string) => rewrite(screenName) ?? match);
}

/** Extractor.extract_entities_with_indices without the xmpp:/magnet: URIs. */
export function extractEntities(text: string): TextEntity[] {
  return removeOverlappingEntities([...extractUrls(text), ...extractHashtags(text), ...extractMentions(text)]);
}

/** The entities StatusLengthValidator gives length concessions to. */
export function extractUrlsAndMentions(text: string): TextEntity[] {
  return removeOverlappingEntities([...extractUrls(text), ...extractMentions(text)]);
}

function extractUrls(text: string): TextEntity[] {
  const urls: TextEntity[] = [];
  for (const match of text.matchAll(URL_RE)) {
    const tld = (match[1] ?? '').toLowerCase();
    if (UNDELEGATED_TLDS.has(tld)) continue;
    urls.push({ kind: 'url', value: match[0], start: match.index, end: match.index + match[0].length });
  }
  return urls;
}

function extractMentions(text: string): TextEntity[] {
  const mentions: TextEntity[] = [];
  for (const match of text.matchAll(MENTION_RE)) {
    const end = match.index + match[0].length;
    if (END_MENTION_RE.test(text.slice(end))) continue;
    const screenName = match[1] ?? '';
    const domain = screenName.split('@')[1];
    if (domain !== undefined && domain.length > 253) continue;
    mentions.push({ kind: 'mention', value: screenName, start: match.index, end });
  }
  return mentions;
}

export function extractHashtags(text: string): TextEntity[] {
  const hashtags: TextEntity[] = [];
  for (const match of text.matchAll(HASHTAG_RE)) {
    let name = match[1] ?? '';
    const end = match.index + match[0].length;
    // "#fooHTTPS://…": the protocol belongs to the URL that follows.
    const protocol = text.startsWith('://', end) ? /^(.+)(https?)$/u.exec(name) : null;
    if (protocol) name = protocol[1] ?? name;
    hashtags.push({ kind: 'hashtag', value: name, start: match.index, end: match.index + 1 + name.length });
  }
  return hashtags;
}

/** twitter-text's remove_overlapping_entities: the earliest entity wins. */
function removeOverlappingEntities(entities: TextEntity[]): TextEntity[] {
  const sorted = [...entities].sort((a, b) => a.start - b.start);
  const kept: TextEntity[] = [];
  for (const entity of sorted) {
    const previous = kept.at(-1);
    if (!previous || previous.end <= entity.start) kept.push(entity);
  }
  return kept;
}

/** HashtagNormalizer: NFKC, lower case, Latin accents folded, invalid characters dropped. */
export function normalizeHashtag(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .replace(HASHTAG_INVALID_CHARS_RE, '');
}

/** Ruby's String#strip, which Status#prepare_contents applies before saving. */
export function rubyStrip(text: string): string {
  return text.replace(/^[\0\t\n\v\f\r ]+|[\0\t\n\v\f\r ]+$/g, '');
}

/** ActiveSupport's blank? for strings. */
export function isBlank(text: string): boolean {
  return /^[\s\u0085]*$/u.test(text);
}
