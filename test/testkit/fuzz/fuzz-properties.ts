/**
 * The whole-path properties, shared by test/mentions/whole-path.test.ts (a few
 * runs, part of `npm test`) and scripts/fuzz.ts (as many runs as asked).
 *
 * The path is the bot's own: a mention notification goes through the real
 * MentionResponder (lib/mentions/responder.ts): mentionText → engine.answer →
 * splitReply with the asker's @mention → postReply with replyVisibility. The
 * engine is the real LookingGlass; only its resolver is hostile
 * (hostile-resolver.ts) and the server is a fake that records the posts.
 * What Mastodon would make of a post is decided by the test instance's
 * Mastodon-faithful code: status-length.ts counts it, text-entities.ts finds
 * its mentions and hashtags.
 */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { AskerRateLimit } from '../../../lib/policy/asker-rate-limit.ts';
import { CymruSource } from '../../../lib/bgp/sources/cymru-source.ts';
import { readEngineConfig } from '../../../lib/engine/config.ts';
import type { Fediverse, MentionNotification, Reply } from '../../../lib/fediverse/fediverse.ts';
import { LookingGlass, type Answer } from '../../../lib/engine/looking-glass.ts';
import { parseQuestion } from '../../../lib/engine/question/parse-question.ts';
import type { Question } from '../../../lib/engine/question/question.ts';
import { formatIpAddress, parseIpAddress, reverseDnsName } from '../../../lib/net/ip-address.ts';
import { MentionResponder, type Outcome } from '../../../lib/mentions/responder.ts';
import { recordTypeName } from '../../../lib/dns/record-types.ts';
import { replyMarkups, type ReplyMarkup } from '../../../lib/reply/markup.ts';
import { isVisibility, replyVisibility, visibilities, type Visibility } from '../../../lib/fediverse/reply-visibility.ts';
import type { Resolver } from '../../../lib/dns/resolver.ts';
import type { ServerQuery } from '../../../lib/dns/trace/name-server.ts';
import { unroutableReason } from '../../../lib/net/special-ranges.ts';
import { WaitingRateLimit } from '../../../lib/policy/waiting-rate-limit.ts';
import { UpstreamResolver } from '../../../lib/dns/upstream-resolver.ts';
import { parseUpstream } from '../../../lib/dns/upstream.ts';
import { startDnsTestServer, type DnsTestServer } from '../dns/dns-test-server.ts';
import { BOT, mentionHtml, questionVisibility } from './hostile-html.ts';
import { HostileResolver, hostileZone, wireCase, type HostileZone } from '../dns/hostile-resolver.ts';
import { hostileRdapAnswers, hostileWhois, whoisQuestion } from '../rdap/hostile-rdap.ts';
import type { Whois } from '../../../lib/engine/ask-whois.ts';
import { HostileNameServers, hostileReferrals, type HostileServerAnswer } from '../dns/hostile-referrals.ts';
import { formatLocalStatus } from '../mastodon/status-html.ts';
import { countableLength } from '../mastodon/status-length.ts';
import { extractEntities } from '../mastodon/text-entities.ts';
import { readAsHollo, readAsMfm } from '../server-parsers.ts';
import type { ZoneRecord } from '../dns/test-zone.ts';

// ---------------------------------------------------------------------------
// One case and one run of the whole path

/** The asker: a local or remote account, with a username and domain as long as servers allow. */
export interface Asker {
  readonly acct: string;
  readonly bot: boolean;
}

/** Everything about one mention except where its DNS answers come from. */
export interface PathCase {
  readonly html: string;
  readonly asker: Asker;
  readonly visibility: string;
  readonly cap: Visibility;
  readonly maxCharacters: number;
  readonly maxParts: number;
  /** Which of its URLs the server put in the status's `mentions` for the bot. */
  readonly botUrl: string;
  /** How the server reads posts. */
  readonly markup: ReplyMarkup;
}

export interface PathRun {
  readonly case: PathCase;
  /** The question's text as mentionText read it from the HTML, when it got that far. */
  readonly question?: string;
  /** What the engine answered, when it got that far. */
  readonly answer?: Answer;
  readonly outcome?: Outcome;
  readonly posts: readonly Reply[];
  /** What respond() threw, if anything. */
  readonly error?: unknown;
}

// Up to what servers allow: 30 characters of username, 63-octet labels, 253 octets of domain.
const lowerAlnum = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const longLabel = fc.string({ unit: fc.constantFrom(...lowerAlnum), minLength: 1, maxLength: 63, size: 'max' });
const askerDomain = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.array(longLabel, { minLength: 1, maxLength: 4, size: 'max' }) },
    ),
    fc.stringMatching(/^[a-z]{2,12}$/),
  )
  .map(([labels, tld]) => [...labels, tld].join('.'))
  .filter((d) => d.length <= 253);
const askerUsername = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_]{1,15}$/) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...lowerAlnum, ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ_'), minLength: 1, maxLength: 30, size: 'max' }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9_]{1,10}([.-][a-z0-9_]{1,10}){1,2}$/) },
);
export const asker: fc.Arbitrary<Asker> = fc.record({
  acct: fc
    .tuple(askerUsername, fc.option(askerDomain, { nil: undefined, freq: 4 }))
    .map(([user, host]) => (host ? `${user}@${host}` : user))
    .filter((acct) => acct.toLowerCase() !== BOT.acct),
  bot: fc.boolean(),
});

const layout = {
  visibility: questionVisibility,
  cap: fc.constantFrom(...visibilities),
  // 100 to 5000, more often small: splitting long lines into big posts takes the splitter long (room² per cut).
  maxCharacters: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 100, max: 1000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }) },
    { weight: 1, arbitrary: fc.constantFrom(100, 140, 280, 500, 5000) },
  ),
  maxParts: fc.integer({ min: 1, max: 10 }),
  botUrl: fc.constantFrom(BOT.url, BOT.apId, `${BOT.url}/`),
  markup: fc.constantFrom(...replyMarkups),
};

export const pathCase: fc.Arbitrary<PathCase> = fc.record({ html: mentionHtml, asker, ...layout });

const config = readEngineConfig({ DNS_UPSTREAM: '127.0.0.1:9', BGP_SOURCE: 'off' });

/** The server side of posting: every post succeeds and is kept. */
class RecordingServer implements Fediverse {
  readonly posts: Reply[] = [];
  async postReply(reply: Reply) {
    this.posts.push(reply);
    return { id: `reply-${this.posts.length}` };
  }
  verifyCredentials(): never {
    throw new Error('not used');
  }
  instance(): never {
    throw new Error('not used');
  }
  mentions(): never {
    throw new Error('not used');
  }
  findReply(): never {
    throw new Error('not used');
  }
  streamNotifications(): never {
    throw new Error('not used');
  }
}

/** The engine as the bot builds it, remembering its last answer. */
class RecordingEngine extends LookingGlass {
  question?: string;
  last?: Answer;
  override read(text: string): Question {
    this.question = text;
    return super.read(text);
  }
  override async answerQuestion(question: Question, signal?: AbortSignal): Promise<Answer> {
    this.last = await super.answerQuestion(question, signal);
    return this.last;
  }
}

/**
 * Runs one mention through the bot, with `resolver` behind the default
 * profile, `cn` and Team Cymru, and `traceQuery` sending +trace's queries
 * (the IANA root hints, nothing private allowed, as the bot is by default).
 */
export async function runWholePath(c: PathCase, resolver: Resolver, traceQuery?: ServerQuery, whois?: Whois): Promise<PathRun> {
  const engine = new RecordingEngine(config, {
    whois,
    botName: `@${BOT.username}`,
    bgp: new CymruSource({ resolver }),
    resolvers: new Map([
      ['', resolver],
      ['cn', resolver],
    ]),
    traceQuery,
  });
  const server = new RecordingServer();
  const responder = new MentionResponder({
    fediverse: server,
    engine,
    me: { id: BOT.id, acct: BOT.acct, url: BOT.url, bot: true },
    server: { maxCharacters: c.maxCharacters, markup: c.markup, idempotentPosts: true, mentionsNeedDomain: false, postsOneAtATime: false },
    maxParts: c.maxParts,
    maxVisibility: c.cap,
    rateLimit: new AskerRateLimit(1000, 60_000),
    globalRateLimit: new WaitingRateLimit(1_000_000, 1000),
    blockList: () => ({ accounts: new Set(), domains: new Set() }),
  });
  const host = c.asker.acct.split('@')[1] ?? BOT.domain;
  const notification: MentionNotification = {
    id: 'n1',
    type: 'mention',
    status: {
      id: 's1',
      visibility: c.visibility,
      content: c.html,
      account: { id: '2', acct: c.asker.acct, url: `https://${host}/@${c.asker.acct.split('@')[0]}`, bot: c.asker.bot },
      mentions: [{ acct: c.botUrl === BOT.url ? BOT.acct : `${BOT.acct}@${BOT.domain}`, url: c.botUrl }],
      createdAt: new Date(0).toISOString(),
    },
  };
  try {
    const outcome = await responder.respond(notification);
    return { case: c, question: engine.question, answer: engine.last, outcome, posts: server.posts };
  } catch (error) {
    return { case: c, question: engine.question, answer: engine.last, posts: server.posts, error };
  }
}

// ---------------------------------------------------------------------------
// The checks, one per property

/** splitReply's documented refusal of a layout with less than 20 characters of room for the answer. */
function isSplitterRefusal(error: unknown): boolean {
  return error instanceof RangeError && /leaves no room for an answer/.test(error.message);
}

/**
 * The posts to check for properties 2 to 5. A case the splitter refused is
 * property 1's counterexample (1-splitter), not theirs: it posts nothing.
 * Any other error fails them too.
 */
function postsOf(run: PathRun): readonly Reply[] {
  if (run.error !== undefined && !isSplitterRefusal(run.error)) throw run.error;
  return run.posts;
}

const show = (text: string, at = 0, around = 60) => JSON.stringify(text.slice(Math.max(0, at - around), at + around));

function noHiddenCharacters(posts: readonly Reply[]): void {
  posts.forEach((post, i) => {
    const found = hiddenCharacter.exec(post.text);
    if (found)
      assert.fail(
        `part ${i + 1} has U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at ${found.index}: ${show(post.text, found.index)}`,
      );
  });
}

// Controls (but the newline between lines), bidi controls, line and paragraph separators, zero-width characters.
const hiddenCharacter = /(?!\n)[\p{Cc}\p{Bidi_Control}\u2028\u2029\u200b-\u200d\u2060-\u2064\ufeff]/u;

export const checks = {
  /** 1. The engine (and mentionText before it) never throws, and always answers something. */
  'engine-never-throws': (run: PathRun) => {
    if (run.error !== undefined && !isSplitterRefusal(run.error)) throw run.error;
    assert.ok(run.answer, 'the engine gave no answer');
    assert.ok(run.answer.lines.length > 0, 'the answer has no lines');
    assert.ok(
      run.answer.lines
        .map((l) => l.text)
        .join('')
        .trim() !== '',
      'the answer is blank',
    );
  },

  /** 1. The splitter never throws: every mention gets 1 to maxParts parts, none empty. */
  'splitter-never-throws': (run: PathRun) => {
    if (run.error !== undefined) throw run.error;
    assert.equal(run.outcome?.action, 'answered', `not answered: ${JSON.stringify(run.outcome)}`);
    assert.ok(run.posts.length >= 1 && run.posts.length <= run.case.maxParts, `${run.posts.length} parts for maxParts ${run.case.maxParts}`);
    for (const post of run.posts) assert.notEqual(post.text.trim(), '', 'an empty part');
  },

  /** 2. Every part fits max_characters as Mastodon counts it, and there are at most maxParts of them. */
  'fits-max-characters': (run: PathRun) => {
    const posts = postsOf(run);
    assert.ok(posts.length <= run.case.maxParts, `${posts.length} parts for maxParts ${run.case.maxParts}`);
    posts.forEach((post, i) => {
      const length = countableLength(post.text);
      assert.ok(
        length <= run.case.maxCharacters,
        `part ${i + 1}/${posts.length} is ${length} characters for Mastodon, max_characters ${run.case.maxCharacters}: ${JSON.stringify(post.text)}`,
      );
    });
  },

  /**
   * 3. No part mentions or tags anyone: the only mention is the asker's own, leading the part. Each part is
   * read by the parser of the servers it is written for: Mastodon's, Hollo's Markdown, Misskey's MFM.
   */
  'no-third-party-mention': (run: PathRun) => {
    const posts = postsOf(run);
    const asker = run.case.asker.acct.toLowerCase();
    posts.forEach((post, i) => {
      if (run.case.markup !== 'plain') {
        // A server may render MFM to HTML without escaping (Sharkey 2023.12): no < or > of the data may stand outside its <plain>.
        if (run.case.markup === 'mfm')
          assert.doesNotMatch(post.text.replace(/<\/?plain>/g, ''), /[<>]/, `part ${i + 1}/${posts.length}: an angle bracket of the data`);
        const read = run.case.markup === 'markdown' ? readAsHollo(post.text) : readAsMfm(post.text);
        const others = read.mentions.map((m) => m.replace(/^@/, '').toLowerCase()).filter((m) => m !== asker && m !== BOT.username);
        assert.deepEqual([others, read.hashtags], [[], []], `part ${i + 1}/${posts.length} as ${run.case.markup}: ${JSON.stringify(post.text)}`);
        return;
      }
      for (const entity of extractEntities(post.text)) {
        if (entity.kind === 'url') continue;
        const value = entity.value.toLowerCase();
        if (entity.kind === 'mention' && entity.start === 0 && value === run.case.asker.acct.toLowerCase()) continue;
        // The help text shows how to ask with the bot's own @name; Mastodon notifies nobody of a self-mention.
        if (entity.kind === 'mention' && value === BOT.username) continue;
        assert.fail(`part ${i + 1}/${posts.length} has a ${entity.kind} of “${entity.value}” at ${entity.start}: ${show(post.text, entity.start)}`);
      }
    });
  },

  /** 4. No part is more public than the question (an unknown visibility is answered as direct), nor than the cap. */
  'visibility-never-wider': (run: PathRun) => {
    const rank = (v: string) => (visibilities as readonly string[]).indexOf(v);
    for (const post of postsOf(run)) {
      assert.ok(isVisibility(post.visibility), `posted as “${post.visibility}”`);
      if (isVisibility(run.case.visibility))
        assert.ok(rank(post.visibility) <= rank(run.case.visibility), `${post.visibility} answers a ${run.case.visibility} question`);
      else assert.equal(post.visibility, 'direct', `${post.visibility} answers a question of unknown visibility ${JSON.stringify(run.case.visibility)}`);
      assert.ok(rank(post.visibility) <= rank(run.case.cap), `${post.visibility} over the cap ${run.case.cap}`);
    }
  },

  /**
   * 5. No control, bidi or zero-width character from DNS data reaches a part:
   * checked when the question's own text has none, so that any in a part came
   * from the DNS data (or the engine). Questions with them are 5b's.
   */
  'no-hidden-characters': (run: PathRun) => {
    if (run.question !== undefined && hiddenCharacter.test(run.question)) return;
    noHiddenCharacters(postsOf(run));
  },

  /** 5b. Nor from the question's own text, which the answer may quote. */
  'no-hidden-characters-from-question': (run: PathRun) => noHiddenCharacters(postsOf(run)),
} satisfies Record<string, (run: PathRun) => void>;

export type CheckName = keyof typeof checks;

// ---------------------------------------------------------------------------
// The properties

/** What a property needs from outside: the loopback DNS server for the wire properties. */
export interface FuzzEnvironment {
  wire?: WireEnvironment;
}

/** What checking a property found, whatever the type of the values it generates. */
export interface FuzzCheck {
  readonly failed: boolean;
  readonly numRuns: number;
  readonly numShrinks: number;
  readonly seed: number;
  /** With the seed, replays the failure. */
  readonly counterexamplePath: string | null;
  /** The shrunk counterexample as fast-check prints it. */
  readonly counterexample: string;
  readonly error: unknown;
  /** fast-check's report of a failure: the seed, the path and the counterexample. */
  readonly report: string | undefined;
}

export interface FuzzProperty {
  readonly id: string;
  readonly title: string;
  /** Goes through the loopback DNS server: slower, run fewer times. */
  readonly wire: boolean;
  /** Runs the property `numRuns` times, from `seed` or a new one. */
  check(env: FuzzEnvironment, runs: { readonly numRuns: number; readonly seed?: number }): Promise<FuzzCheck>;
}

/** The check of a property, built for each environment, of any values. */
function checking<Ts>(property: (env: FuzzEnvironment) => fc.IRawProperty<Ts>): FuzzProperty['check'] {
  return async (env, runs) => {
    const details = await fc.check(property(env), runs);
    return {
      failed: details.failed,
      numRuns: details.numRuns,
      numShrinks: details.numShrinks,
      seed: details.seed,
      counterexamplePath: details.counterexamplePath,
      counterexample: fc.stringify(details.counterexample),
      error: details.errorInstance,
      report: fc.defaultReportMessage(details),
    };
  };
}

const titles: Record<CheckName, string> = {
  'engine-never-throws': '1. never a crash: the engine answers every mention with at least one line',
  'splitter-never-throws': '1. never a crash: the splitter gives every answer 1 to maxParts parts',
  'fits-max-characters': '2. every part fits max_characters as Mastodon counts it',
  'no-third-party-mention': '3. no mention or hashtag but the asker’s own leading mention',
  'visibility-never-wider': '4. never a visibility wider than the question’s or the cap',
  'no-hidden-characters': '5. no control, bidi or zero-width character from DNS data in a part',
  'no-hidden-characters-from-question': '5b. no control, bidi or zero-width character from the question’s text in a part',
};

type Case = { readonly path: PathCase; readonly zone: HostileZone };
const inProcessCase: fc.Arbitrary<Case> = fc.record({ path: pathCase, zone: hostileZone });

function inProcess(check: CheckName): FuzzProperty {
  return {
    id: check,
    title: `${titles[check]} (hostile mention HTML and DNS data, in-process)`,
    wire: false,
    check: checking(() => fc.asyncProperty(inProcessCase, async ({ path, zone }) => checks[check](await runWholePath(path, new HostileResolver(zone))))),
  };
}

/** 4. replyVisibility alone, over any string a server could send as a visibility. */
const replyVisibilityProperty: FuzzProperty = {
  id: 'reply-visibility',
  title: '4. replyVisibility is never wider than the question’s visibility or the cap, for any string',
  wire: false,
  check: checking(() =>
    fc.property(fc.oneof(questionVisibility, fc.string({ unit: 'binary', maxLength: 40 })), fc.constantFrom(...visibilities), (question, cap) => {
      const reply = replyVisibility(question, cap);
      assert.ok(isVisibility(reply), `replyVisibility(${JSON.stringify(question)}, ${cap}) = ${JSON.stringify(reply)}`);
      assert.ok(visibilities.indexOf(reply) <= visibilities.indexOf(cap));
      if (isVisibility(question)) assert.ok(visibilities.indexOf(reply) <= visibilities.indexOf(question));
      else assert.equal(reply, 'direct', `replyVisibility(${JSON.stringify(question)}, ${cap})`);
    }),
  ),
};

/** What Node takes for an IP address, in the forms people write (RFC 4291: compressed, full, upper case, embedded IPv4). */
const writtenAddress = fc
  .oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV6().map((a) => a.toUpperCase()),
    fc.ipV4().map((a) => `::ffff:${a}`),
    fc.ipV6().map(fullIpv6),
  )
  .filter((address) => isIP(address) !== 0);
/** The punctuation around an address in a sentence. */
const inSentence = fc.constantFrom('x', '(x)', 'x?', 'x!', '"x"', '“x”', '[x]', 'x,', 'x.', '(x)?', '«x»');

function fullIpv6(address: string): string {
  const parsed = parseIpAddress(address);
  if (parsed?.version !== 6) return address;
  return Array.from({ length: 8 }, (_, i) => ((parsed.bytes[2 * i]! << 8) | parsed.bytes[2 * i + 1]!).toString(16).padStart(4, '0')).join(':');
}

/** Every address Node accepts is a reverse lookup of that address, in any punctuation around it. */
const addressFormsProperty: FuzzProperty = {
  id: 'address-forms',
  title: 'every address net.isIP accepts, in any punctuation, is the reverse lookup of that address',
  wire: false,
  check: checking(() =>
    fc.property(writtenAddress, inSentence, (address, around) => {
      // A trailing dot after an IPv4 address ends the sentence, not a name.
      const text = around.replace('x', address);
      const question = parseQuestion(text, { profiles: [], maxTypes: 5 });
      const expected = parseIpAddress(address);
      assert.ok(expected, `the bot's parser reads ${address}, which Node accepts`);
      assert.equal(question.kind, 'dns', `${JSON.stringify(text)}: ${JSON.stringify(question)}`);
      assert.equal(question.kind === 'dns' && question.name.ascii, reverseDnsName(expected), JSON.stringify(text));
      assert.equal(question.kind === 'dns' && question.address && formatIpAddress(question.address), formatIpAddress(expected));
    }),
  ),
};

// ---------------------------------------------------------------------------
// Through the wire: generated zone records served by the loopback DNS test server

export interface WireEnvironment {
  readonly server: DnsTestServer;
  /** The server's zone: replaced before each case (the server reads it on every query). */
  readonly zone: ZoneRecord[];
  readonly resolver: Resolver;
}

export async function startWireEnvironment(): Promise<WireEnvironment & { close(): Promise<void> }> {
  const zone: ZoneRecord[] = [];
  const server = await startDnsTestServer(zone);
  const resolver = new UpstreamResolver([parseUpstream(server.address)], 2000);
  return { server, zone, resolver, close: () => server.close() };
}

/** A mention that asks `question` (made from the generated `data`) as Mastodon writes it, from a generated asker and layout. */
function askingPathCase<T>(data: fc.Arbitrary<T>, question: (data: T) => string): fc.Arbitrary<{ path: PathCase; data: T }> {
  return fc.record({ data, asker, ...layout, local: fc.boolean() }).map(({ data: generated, asker: who, local, ...rest }) => {
    const text = `@${BOT.username}${local ? '' : `@${BOT.domain}`} ${question(generated)}`;
    const bot = { username: BOT.username, domain: local ? null : BOT.domain, url: BOT.url };
    const html = formatLocalStatus(text, {
      localDomain: local ? BOT.domain : 'social.example',
      baseUrl: 'https://social.example',
      preloadedAccounts: [bot],
    });
    return { data: generated, path: { html, asker: who, ...rest } };
  });
}

const wirePathCase = askingPathCase(wireCase, (wire) => `${wire.owner} ${recordTypeName(wire.type)}`);

function throughTheWire(check: CheckName): FuzzProperty {
  return {
    id: `wire:${check}`,
    title: `${titles[check]} (generated records through the loopback DNS server)`,
    wire: true,
    check: checking((env) => {
      const wire = env.wire;
      if (!wire) throw new Error('the wire properties need startWireEnvironment()');
      return fc.asyncProperty(wirePathCase, async ({ path, data: { records } }) => {
        wire.zone.splice(0, wire.zone.length, ...records);
        const run = await runWholePath(path, wire.resolver);
        // The records must have come back: a timeout would mean the data broke the server, not the bot.
        const lines = run.answer?.lines.map((l) => l.text).join('\n') ?? '';
        assert.doesNotMatch(lines, /no answer from|could not reach/, `the loopback server did not answer: ${lines}`);
        checks[check](run);
      });
    }),
  };
}

// ---------------------------------------------------------------------------
// +trace: generated referrals from fake authoritative servers

/** A plain name to trace (the hostile data is in the referrals) and a type. */
const traceQuestion = fc
  .tuple(fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 5 }), fc.constantFrom('A', 'AAAA', 'MX', 'TXT', 'NS', 'CNAME'))
  .map(([labels, type]) => `${labels.join('.')}.example ${type} +trace`);

const tracePathCase = askingPathCase(fc.tuple(traceQuestion, hostileReferrals), ([question]) => question);

/** The trace in a run: never a query to an address the bot must not send to (DNS_TRACE_ALLOW_PRIVATE is off). */
function noQueryToForbiddenAddress(servers: HostileNameServers): void {
  for (const server of servers.asked) {
    const address = parseIpAddress(server.address);
    assert.ok(address, `a query to “${server.address}”, which is no address`);
    assert.equal(unroutableReason(address), undefined, `a query to ${server.address} (${server.name ?? 'root hint'})`);
  }
}

async function runTrace(path: PathCase, answers: readonly HostileServerAnswer[]) {
  const servers = new HostileNameServers(answers);
  const run = await runWholePath(
    path,
    new HostileResolver({ outcomes: [{ kind: 'timeout', upstream: '127.0.0.1:9', timeoutMs: 1 }], routeLines: [], asNames: [] }),
    servers.query,
  );
  // The trace must have run: a question the parser refused would prove nothing about referrals.
  assert.ok(run.error !== undefined || /🧭/.test(run.answer?.lines.map((l) => l.text).join('\n') ?? ''), `no trace: ${JSON.stringify(run.answer?.lines)}`);
  return { run, servers };
}

function throughTrace(check: CheckName): FuzzProperty {
  return {
    id: `trace:${check}`,
    title: `${titles[check]} (+trace with hostile referrals)`,
    wire: false,
    check: checking(() =>
      fc.asyncProperty(tracePathCase, async ({ path, data: [, answers] }) => {
        const { run, servers } = await runTrace(path, answers);
        checks[check](run);
        noQueryToForbiddenAddress(servers);
      }),
    ),
  };
}

const forbiddenAddressProperty: FuzzProperty = {
  id: 'trace:no-query-to-forbidden-address',
  title: '6. +trace never sends a query to a loopback, private, link-local, ULA or documentation address, whatever the referrals say',
  wire: false,
  check: checking(() =>
    fc.asyncProperty(tracePathCase, async ({ path, data: [, answers] }) => {
      const { servers } = await runTrace(path, answers);
      noQueryToForbiddenAddress(servers);
      assert.ok(servers.asked.length <= 60, `${servers.asked.length} queries`);
    }),
  ),
};

// ---------------------------------------------------------------------------
// whois: generated RDAP answers

const whoisPathCase = askingPathCase(fc.tuple(whoisQuestion, hostileRdapAnswers), ([question]) => question);

function throughWhois(check: CheckName): FuzzProperty {
  return {
    id: `whois:${check}`,
    title: `${titles[check]} (whois with hostile RDAP answers)`,
    wire: false,
    check: checking(() =>
      fc.asyncProperty(whoisPathCase, async ({ path, data: [, answers] }) => {
        const run = await runWholePath(
          path,
          new HostileResolver({ outcomes: [{ kind: 'timeout', upstream: '127.0.0.1:9', timeoutMs: 1 }], routeLines: [], asNames: [] }),
          undefined,
          hostileWhois(answers),
        );
        // The question must have been read as a whois: one the parser refused would prove nothing about RDAP data.
        assert.ok(run.error !== undefined || run.answer?.lines[0]?.text.startsWith('🪪'), `no whois: ${JSON.stringify(run.answer?.lines)}`);
        checks[check](run);
      }),
    ),
  };
}

const checkNames = Object.keys(checks) as CheckName[];
const plainQuestionChecks = checkNames.filter((name) => name !== 'visibility-never-wider' && name !== 'no-hidden-characters-from-question');

/** Every property, in-process first. */
export const fuzzProperties: readonly FuzzProperty[] = [
  ...checkNames.map(inProcess),
  replyVisibilityProperty,
  addressFormsProperty,
  // The wire and trace cases ask a plain question: visibility and the question's own text are the in-process properties' business.
  ...plainQuestionChecks.map(throughTheWire),
  ...plainQuestionChecks.map(throughTrace),
  forbiddenAddressProperty,
  ...plainQuestionChecks.map(throughWhois),
];

export function fuzzProperty(id: string): FuzzProperty {
  const found = fuzzProperties.find((p) => p.id === id);
  if (!found) throw new Error(`no property ${id}; there are ${fuzzProperties.map((p) => p.id).join(', ')}`);
  return found;
}
