/**
 * fast-check arbitraries for text written by someone who wants the bot to
 * misbehave: every Unicode plane, lone surrogates, combining marks, RTL
 * scripts, zero-width and bidi characters, controls, and the things a
 * fediverse server turns into links, mentions and hashtags in all their
 * shapes. Shared by the mention HTML (hostile-html.ts) and the DNS data
 * (hostile-resolver.ts) the whole-path properties feed the bot.
 */
import fc from 'fast-check';

const char = (min: number, max: number) => fc.integer({ min, max }).map((cp) => String.fromCodePoint(cp));

/** C0 and C1 controls, DEL, CR LF. */
export const controlChar = fc.oneof(char(0x00, 0x1f), char(0x7f, 0x9f), fc.constant('\r\n'));

/** Bidi embeddings, overrides, isolates and marks (Bidi_Control), and the line and paragraph separators. */
export const bidiChar = fc.constantFrom(
  '\u061c',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u2028',
  '\u2029',
);

/** Characters that show nothing: zero-width, fillers, tags, variation selectors, interlinear annotation. */
export const invisibleChar = fc.constantFrom(
  '\u00ad',
  '\u034f',
  '\u115f',
  '\u1160',
  '\u17b4',
  '\u17b5',
  '\u180e',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\u2061',
  '\u2062',
  '\u2063',
  '\u2064',
  '\u3164',
  '\ufe0f',
  '\ufeff',
  '\uffa0',
  '\ufff9',
  '\ufffa',
  '\ufffb',
  '\u{1d173}',
  '\u{e0001}',
  '\u{e0041}',
  '\u{e007f}',
  '\u{e0100}',
);

export const loneSurrogate = char(0xd800, 0xdfff);
export const combiningMark = fc.constantFrom('\u0301', '\u0308', '\u0327', '\u20dd', '\u20e3', '\u0e47', '\u093f', '\u302a', '\u1ab0', '\u05b4', '\u0670');

/** Whitespace of all kinds: what splits words for a regex is not always what splits them for a person. */
export const whitespace = fc.constantFrom(
  ' ',
  ' ',
  ' ',
  '\t',
  '\n',
  '\n\n',
  '\r\n',
  '\u00a0',
  '\u1680',
  '\u2003',
  '\u2007',
  '\u200a',
  '\u202f',
  '\u205f',
  '\u3000',
  '\u0085',
  '\u000b',
  '\u000c',
);

/** Letters of many scripts, for usernames, hashtags and IDN labels. */
const scriptWords = [
  'dns',
  'Straße',
  'café',
  'ÆØÅ',
  'İstanbul',
  'ǅemal',
  'привет',
  'ελληνικά',
  'שלום',
  'مرحبا',
  'ܫܠܡܐ',
  'ދިވެހި',
  'नमस्ते',
  'ภาษาไทย',
  'ສະບາຍດີ',
  '日本語',
  'テスト',
  'ひらがな',
  '中文',
  '한국어',
  'ᄀᄁ',
  'ሰላም',
  'Ꭰꭰ',
  'ᚠᚢᚦ',
  '𐌰𐌱',
  '𝔡𝔫𝔰',
  '𝟙𝟚',
  'ᠮᠣᠩᠭᠣᠯ',
  'ꦗꦮ',
  '𓀀𓀁',
  '٣٤٥',
  '१२३',
  'ＤＮＳ',
  'ａｂｃ',
];
export const scriptWord = fc.constantFrom(...scriptWords);

/** A username a server would take, and some it would not. */
export const username = fc.oneof(
  fc.stringMatching(/^[a-z0-9_]{1,12}$/),
  fc.stringMatching(/^[A-Za-z0-9_]{1,8}([.-][A-Za-z0-9_]{1,8}){0,2}$/),
  scriptWord,
  fc.constantFrom('_', '1', 'a', 'admin', 'Gargron', 'bob', 'dig', 'x.y', 'a-b', '-a', 'a.', 'a..b'),
);

/** A domain as written after the second @ or in a URL: ASCII, IDN, punycode, bare, odd. */
export const domain = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?){0,3}\.[a-z]{2,6}$/),
  fc.constantFrom(
    'example.social',
    'mastodon.example',
    'localhost',
    'host',
    'xn--caf-dma.example',
    'bücher.example',
    '例え.テスト',
    'a.co',
    'a.test',
    'x.invalid',
    '127.0.0.1',
    '[::1]',
    'a_b.example',
    'a--b.example',
    `very.long.${'sub.'.repeat(20)}example`,
  ),
  scriptWord.map((word) => `${word}.example`),
);

/** What may stand right before an @ or a # and decide whether a server links it. */
const before = fc.constantFrom(
  '',
  '',
  '',
  ' ',
  '\n',
  '.',
  ',',
  ':',
  ';',
  '(',
  '[',
  '"',
  '“',
  '«',
  '-',
  '=',
  '/',
  'x',
  'é',
  '1',
  '_',
  '\u0301',
  '\u200b',
  '\u202e',
  '\u00a0',
  '…',
  '!',
  '?',
  '*',
  '|',
  ')',
  '>',
  '&',
);
const after = fc.constantFrom('', '', '', ' ', '.', ',', '!', '?', ':', ')', '"', '”', '@', '＠', 'é', '\u0301', '://', '/', '-', '_', '\n', '#');

export const atSign = fc.constantFrom('@', '@', '@', '＠', '﹫', '@@');
export const hashSign = fc.constantFrom('#', '#', '#', '＃', '﹟', '##', '#\ufe0f\u20e3');

/** `@user`, `@user@host`, `＠user`, `.@user`, `x@user@`, `mailto:u@host`… */
export const mentionShaped = fc.oneof(
  fc
    .tuple(before, atSign, username, fc.option(fc.tuple(atSign, domain), { nil: undefined }), after)
    .map(([b, at, user, remote, a]) => `${b}${at}${user}${remote ? remote.join('') : ''}${a}`),
  fc.tuple(username, domain).map(([user, host]) => `mailto:${user}@${host}`),
  fc.tuple(username, domain).map(([user, host]) => `rua=mailto:${user}@${host}`),
  fc.tuple(username, domain).map(([user, host]) => `https://${host}/@${user}`),
);

/** `#tag` in every script, with the separators Mastodon allows inside a tag and the ones it does not. */
export const hashtagShaped = fc
  .tuple(
    before,
    hashSign,
    fc.array(fc.oneof(scriptWord, fc.stringMatching(/^[a-z0-9_]{1,8}$/), fc.constantFrom('_', '·', '・', '\u200c', '\u0e47', '123', '2024', '‿')), {
      minLength: 1,
      maxLength: 3,
    }),
    after,
  )
  .map(([b, hash, body, a]) => `${b}${hash}${body.join('')}${a}`);

/** Links of every scheme Mastodon links, adjacent and bare, and some it does not. */
const scheme = fc.constantFrom('http', 'https', 'HTTPS', 'dat', 'dweb', 'ipfs', 'ipns', 'ssb', 'gopher', 'gemini', 'ftp', 'javascript', 'xmpp', 'magnet');
const urlPath = fc.constantFrom(
  '',
  '/',
  '/a',
  '/@bob',
  '/tags/x',
  '/path/to/a/very/long/page.html',
  '/(x)',
  '/a?b=c&d=e',
  '?q=@x#frag',
  '/%20',
  '/é',
  '/~user/',
);
export const urlShaped = fc.oneof(
  fc.tuple(scheme, domain, urlPath).map(([s, host, path]) => `${s}://${host}${path}`),
  fc
    .tuple(scheme, domain, fc.constantFrom(',', ';', '|', '"', "'", ')', '', '.', '<'), fc.integer({ min: 2, max: 30 }))
    .map(([s, host, sep, n]) => `${s}://${host}${sep}`.repeat(n)),
);

/** Emoji that are several code points: ZWJ sequences, flags, skin tones, keycaps, tags. */
export const emoji = fc.constantFrom(
  '😀',
  '👨\u200d👩\u200d👧\u200d👦',
  '🏳\ufe0f\u200d🌈',
  '🇩🇪',
  '👍🏽',
  '#\ufe0f\u20e3',
  '1\ufe0f\u20e3',
  '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}',
  '🛰',
  '⚠️',
);

/** Anything at all, code point by code point, including lone surrogates. */
export const anyUnicode = (maxLength: number) =>
  fc.string({
    unit: fc.oneof({ weight: 8, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: loneSurrogate }),
    maxLength,
  });

/** One piece of hostile text. */
export const hostileToken: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9.-]{1,12}$/) },
  { weight: 3, arbitrary: mentionShaped },
  { weight: 3, arbitrary: hashtagShaped },
  { weight: 2, arbitrary: urlShaped },
  { weight: 2, arbitrary: whitespace },
  { weight: 2, arbitrary: controlChar },
  { weight: 2, arbitrary: bidiChar },
  { weight: 2, arbitrary: invisibleChar },
  { weight: 1, arbitrary: combiningMark },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: emoji },
  { weight: 2, arbitrary: scriptWord },
  { weight: 2, arbitrary: anyUnicode(8) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('<b>', '</p>', '&amp;', '&#x202e;', '"', '\\', '\\"', '\\064', '|', '(', ')', ';', '$ORIGIN', '...', '…') },
);

/** Hostile text of up to `maxTokens` tokens. */
export const hostileText = (maxTokens = 12) => fc.array(hostileToken, { maxLength: maxTokens }).map((tokens) => tokens.join(''));

/** Hostile text repeated up to about `maxChars` UTF-16 units: the 64 kB TXT record, the 100 kB status. */
export const hugeText = (maxChars: number) =>
  fc.tuple(hostileText(8), fc.integer({ min: Math.min(1000, maxChars), max: maxChars })).map(([unit, length]) => {
    const seed = unit || 'x';
    return seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
  });
