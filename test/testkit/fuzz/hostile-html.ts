/**
 * fast-check arbitraries for the `content` of a mention: questions the bot
 * understands and questions it does not, typed by a hostile asker, rendered
 * the way Mastodon renders a status (h-card mentions, hashtag and shortened
 * links, through the test instance's status-html.ts), mixed with HTML no
 * server would send (nested and unclosed tags, scripts, entities), up to
 * about 100 kB.
 */
import fc from 'fast-check';
import { formatLocalStatus, formatRemoteStatus, type MentionTarget } from '../mastodon/status-html.ts';
import { anyUnicode, domain, hashtagShaped, hostileText, hostileToken, hugeText, mentionShaped, urlShaped, username, whitespace } from './hostile-text.ts';
import { hostileName } from '../dns/hostile-resolver.ts';

/** The bot as the fuzzed statuses mention it. */
export const BOT = {
  id: '1',
  username: 'dig',
  acct: 'dig',
  domain: 'bots.example',
  url: 'https://bots.example/@dig',
  /** Pleroma and others link the ActivityPub id instead of the profile. */
  apId: 'https://bots.example/users/dig',
} as const;

const octet = fc.nat(255);
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const ipv6 = fc.oneof(
  fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':')),
  fc
    .tuple(fc.integer({ min: 0x2000, max: 0x3fff }), fc.nat(0xffff), fc.nat(0xffff))
    .map(([a, b, c]) => `${a.toString(16)}:${b.toString(16)}::${c.toString(16)}`),
  fc.constantFrom('::1', '::', '2001:db8::1', '2001:4860:4860::8888', '::ffff:8.8.8.8', 'fe80::1%eth0'),
);
const address = fc.oneof(ipv4, ipv6, fc.constantFrom('8.8.8.8', '1.1.1.1', '10.0.0.1', '192.0.2.1'));
const prefix = fc
  .tuple(address, fc.oneof(fc.nat(140), fc.constantFrom('', 'x', '.@bob', '-1', '0032', '999999999999'), hostileToken))
  .map(([a, l]) => `${a}/${l}`);
const asn = fc.oneof(fc.nat(0xffffffff), fc.constantFrom(0, 13335, 15169, 64500, 4294967296)).map((n) => `AS${n}`);

const plainNames = ['example.test', 'example.com', 'fuzz.example', 'a.b.c.example.net', 'xn--caf-dma.example', 'café.example', 'bücher.de'];

/** A name to ask: ordinary, IDN, service labels, forbidden, malformed, hostile. */
const questionName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...plainNames) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'EXAMPLE.com.',
      '例え.テスト',
      '_dmarc.example.test',
      '_443._tcp.example.test',
      '*.example.test',
      '.',
      'localhost',
      'printer.local',
      'a..b',
      '-a.example',
      `${'x'.repeat(64)}.example`,
      `${'a.'.repeat(130)}example`,
      'https://example.test/page',
      'http://[2001:db8::1]/',
    ),
  },
  { weight: 3, arbitrary: domain },
  { weight: 2, arbitrary: hostileName.filter((n) => !/\s/u.test(n)) },
  { weight: 1, arbitrary: mentionShaped },
);

const typeWord = fc.constantFrom(
  'A',
  'AAAA',
  'MX',
  'TXT',
  'NS',
  'SOA',
  'CAA',
  'PTR',
  'CNAME',
  'SRV',
  'ANY',
  'addr',
  'ADDR',
  'mx',
  'ns',
  'https',
  'svcb',
  'tlsa',
  'loc',
  'TYPE65280',
  'TYPE0',
  'TYPE99999',
  'OPT',
  'AXFR',
  'spf',
  'ds',
  'dnskey',
  'rrsig',
  'nsec3',
  'uri',
  'hinfo',
);

/** The words of a question, most of them ones the bot answers. */
const questionWords: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(questionName, fc.array(typeWord, { maxLength: 4 })).map(([name, types]) => [name, ...types]) },
  { weight: 1, arbitrary: fc.tuple(fc.array(typeWord, { maxLength: 2 }), questionName).map(([types, name]) => [...types, name]) },
  { weight: 2, arbitrary: address.map((a) => [a]) },
  { weight: 2, arbitrary: fc.oneof(address, prefix).map((a) => ['bgp', a]) },
  { weight: 1, arbitrary: asn.map((a) => [a]) },
  { weight: 1, arbitrary: asn.map((a) => ['bgp', a]) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['help'], ['?'], ['info'], ['about'], ['Hilfe'], [], ['bgp'], ['bgp', '1.2.3.4', '5.6.7.8']) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom<string[]>(['via', 'cn'], ['@cn'], ['via', 'nope'], ['@nope'], ['via'], ['via', '@cn'], ['@CN']),
        questionName,
        fc.array(typeWord, { maxLength: 2 }),
      )
      .map(([via, name, types]) => [...via, name, ...types]),
  },
  { weight: 2, arbitrary: fc.array(fc.oneof(questionName, typeWord, hostileToken), { minLength: 1, maxLength: 14 }) },
  // Pasted command lines: every path of the formatter (+short, +nsid, +cd, a refusal) meets the hostile data.
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom<string[]>([], ['dig'], ['kdig'], ['host'], ['nslookup'], ['drill']),
        questionName,
        fc.array(typeWord, { maxLength: 2 }),
        fc.array(
          fc.constantFrom(
            '+short',
            '+dnssec',
            '+cd',
            '+tcp',
            '+nsid',
            '+nonsid',
            '-4',
            '-6',
            '+norec',
            '+trace',
            '@192.0.2.53',
            'AXFR',
            'IN',
            'compare',
            'compare',
          ),
          {
            maxLength: 3,
          },
        ),
      )
      .map(([tool, name, types, options]) => [...tool, name, ...types, ...options]),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('-x', 'dig -x'), address).map(([x, a]) => [...x.split(' '), a]) },
);

/** Another account the asker mentions; the server renders it as an h-card. */
const otherAccount = fc
  .tuple(
    username.filter((u) => /^[a-z0-9_]+$/i.test(u)),
    fc.option(domain, { nil: null }),
  )
  .map(([name, host]): MentionTarget => ({ username: name, domain: host, url: `https://${host ?? 'social.example'}/@${name}` }));

/** What the asker typed: the bot's mention (usually first), the question, and noise around it. */
interface TypedStatus {
  readonly text: string;
  readonly others: readonly MentionTarget[];
  readonly local: boolean;
}

const botMention = fc.constantFrom('@dig', '@dig@bots.example', '@DIG@bots.example', '@dig@BOTS.EXAMPLE');
const noise = fc.oneof(hostileToken, mentionShaped, hashtagShaped, urlShaped);

/** A question the bot answers from DNS, typed plainly: most DNS data reaches a reply through one. */
const plainQuestion = fc
  .tuple(
    fc.constantFrom(
      ...plainNames,
      '_dmarc.example.test',
      '8.8.8.8',
      '2001:4860:4860::8888',
      '1.1.1.1',
      'via cn example.test',
      '@cn example.com',
      'bgp 8.8.8.8',
      'bgp 2001:4860::/32',
      'bgp 203.0.113.0/24',
      'AS15169',
      'bgp AS64500',
    ),
    fc.array(
      fc.constantFrom('A', 'AAAA', 'MX', 'TXT', 'NS', 'SOA', 'CAA', 'PTR', 'CNAME', 'SRV', 'ANY', 'addr', 'TYPE65280', 'https', 'spf', 'hinfo', 'uri', 'naptr'),
      { maxLength: 3 },
    ),
  )
  .map(([name, types]) => (/^[\d.:a-f]+$|bgp|AS/.test(name) ? name.split(' ') : [...name.split(' '), ...types]));

const typedStatus: fc.Arbitrary<TypedStatus> = fc
  .record({
    lead: fc.oneof(
      { weight: 8, arbitrary: botMention },
      { weight: 1, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.tuple(noise, botMention).map(([n, m]) => `${n} ${m}`) },
    ),
    words: fc.oneof({ weight: 3, arbitrary: plainQuestion }, { weight: 2, arbitrary: questionWords }),
    noiseBefore: fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(noise, { maxLength: 2 }) }),
    noiseAfter: fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(noise, { maxLength: 4 }) }),
    others: fc.array(otherAccount, { maxLength: 3 }),
    space: whitespace,
    local: fc.boolean(),
    tail: fc.oneof({ weight: 150, arbitrary: fc.constant('') }, { weight: 1, arbitrary: hugeText(100_000) }),
  })
  .map(({ lead, words, noiseBefore, noiseAfter, others, space, local, tail }) => {
    const mentions = others.map((o) => (o.domain ? `@${o.username}@${o.domain}` : `@${o.username}`));
    const text = [lead, ...mentions, ...noiseBefore, ...words, ...noiseAfter].filter(Boolean).join(space) + tail;
    return { text, others, local };
  });

/** The status as Mastodon renders it: locally, or by the asker's server and sanitized by the bot's. */
const renderedStatus = typedStatus.map(({ text, others, local }) => {
  const bot: MentionTarget = { username: BOT.username, domain: local ? null : BOT.domain, url: BOT.url };
  const options = {
    localDomain: local ? BOT.domain : 'social.example',
    baseUrl: `https://${local ? BOT.domain : 'social.example'}`,
    preloadedAccounts: [bot, ...others],
  };
  return local ? formatLocalStatus(text, options) : formatRemoteStatus(text, options);
});

// ---------------------------------------------------------------------------
// HTML no Mastodon would send, and some other servers do

const tagName = fc.constantFrom(
  'p',
  'br',
  'span',
  'a',
  'b',
  'i',
  'em',
  'div',
  'script',
  'style',
  'img',
  'pre',
  'code',
  'blockquote',
  'ul',
  'li',
  'template',
  'textarea',
  'title',
  'svg',
  'math',
  'table',
  'td',
  'iframe',
  'noscript',
  'xmp',
  'plaintext',
  'bdo',
  'ruby',
  'rt',
  'head',
  'body',
  'html',
  'P',
  'A',
  'BR',
);

const attributeValue = fc.oneof(
  fc.constantFrom(
    'mention',
    'u-url mention',
    'mention hashtag',
    'hashtag mention',
    'h-card',
    'invisible',
    'ellipsis',
    'MENTION',
    'mentionx',
    'status-link mention',
  ),
  fc.constantFrom(
    BOT.url,
    `${BOT.url}/`,
    BOT.apId,
    'HTTPS://BOTS.EXAMPLE/@DIG',
    'https://bots.example/@dig?x',
    'https://evil.example/@dig',
    'javascript:alert(1)',
    '',
  ),
  hostileText(3),
);
const attribute = fc
  .tuple(
    fc.constantFrom('class', 'href', 'rel', 'title', 'dir', 'onclick', 'style', 'translate', 'data-x', 'lang'),
    attributeValue,
    fc.constantFrom('"', "'", ''),
  )
  .map(([name, value, q]) => (q ? `${name}=${q}${value.replaceAll(q, '&quot;')}${q}` : `${name}=${value.replace(/[\s>]/gu, '')}`));

const entity = fc.constantFrom(
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&#39;',
  '&nbsp;',
  '&#x202e;',
  '&#8238;',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&bogus;',
  '&amp',
  '&#x;',
  '&NotEqualTilde;',
  '&#64;',
  '&#x40;',
  '&#35;',
  '&#xFF20;',
  '&#x200b;',
  '&#10;',
  '&#13;',
  '&lt;script&gt;',
);

const text = fc.oneof({ weight: 3, arbitrary: hostileText(4) }, { weight: 1, arbitrary: entity }, { weight: 1, arbitrary: anyUnicode(6) });

/** Nested, unclosed and stray tags around hostile text and entities. */
const { html: rawHtml } = fc.letrec<{ html: string; node: string }>((tie) => ({
  html: fc.array(tie('node'), { maxLength: 5 }).map((nodes) => nodes.join('')),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc
      .tuple(tagName, fc.array(attribute, { maxLength: 3 }), tie('html'), fc.constantFrom('close', 'close', 'open', 'self', 'stray'))
      .map(([tag, attributes, inner, end]) => {
        const open = `<${[tag, ...attributes].join(' ')}${end === 'self' ? ' /' : ''}>`;
        if (end === 'self') return open + inner;
        if (end === 'stray') return `</${tag}>${inner}`;
        return `${open}${inner}${end === 'close' ? `</${tag}>` : ''}`;
      }),
    fc.constantFrom(
      '<!-- @dig -->',
      '<![CDATA[@bob]]>',
      '<',
      '>',
      '</',
      '<a',
      '<a href="',
      '<p',
      '<!doctype html>',
      '<?xml?>',
      '<br/>',
      '<br />',
      '</br>',
      '<span class="h-card"><a href="https://bots.example/@dig" class="u-url mention">@<span>dig</span></a></span>',
    ),
  ),
}));

/** A mention's `content`: as Mastodon renders it, raw, mixed, or huge. */
export const mentionHtml: fc.Arbitrary<string> = fc.oneof(
  { weight: 80, arbitrary: renderedStatus },
  { weight: 20, arbitrary: rawHtml },
  {
    weight: 20,
    arbitrary: fc
      .tuple(renderedStatus, rawHtml, fc.boolean())
      .map(([rendered, raw, first]) => (first ? raw + rendered : rendered.replace(/<\/p>/, `${raw}</p>`))),
  },
  // About 100 kB, now and then: a big document takes linkedom a while.
  {
    weight: 1,
    arbitrary: fc
      .tuple(rawHtml, fc.integer({ min: 10_000, max: 100_000 }))
      .map(([raw, size]) => (raw || '<b>').repeat(Math.ceil(size / Math.max(1, raw.length || 3))).slice(0, size)),
  },
);

/** Visibilities a server may send: Mastodon's four, other servers' own, and nonsense. */
export const questionVisibility = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('public', 'unlisted', 'private', 'direct') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'local',
      'list',
      'mutuals_only',
      'limited',
      '',
      'Public',
      'PUBLIC',
      ' public',
      'public ',
      'direct\u200b',
      'ｐｕｂｌｉｃ',
      'publ\u0131c',
      'unlisted\0',
      'constructor',
      '__proto__',
      'toString',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);
