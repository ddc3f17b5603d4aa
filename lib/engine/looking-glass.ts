import type { BgpQuery, BgpSource } from '../bgp/bgp-source.ts';
import { CachingResolver } from '../dns/caching-resolver.ts';
import { duration } from './answer/duration.ts';
import type { EngineConfig } from './config.ts';
import { askType } from './ask-dns.ts';
import { compareResolvers } from './compare-resolvers.ts';
import { formatComparison } from './answer/format-comparison.ts';
import { formatDnsAnswer } from './answer/format-dns-answer.ts';
import { ForbiddenNames } from './question/forbidden-names.ts';
import {
  formatAsnAnswer,
  formatPathsAnswer,
  formatRouteAnswer,
  formatSpecialRange,
  namedAsns,
  type RouteRpki,
  routeSummaryLine,
  rpkiSourceLine,
  sourceLine,
} from './answer/format-bgp-answer.ts';
import { helpLines } from './answer/help-text.ts';
import { openBgpSource } from '../bgp/sources/open-source.ts';
import { ConfigError } from './config-error.ts';
import { DataFileLoadError } from '../datafile/errors.ts';
import { openRpkiSource } from '../bgp/rpki/open-rpki-source.ts';
import type { RpkiSource } from '../bgp/rpki/rpki-source.ts';
import type { IpPrefix } from '../net/ip-address.ts';
import type { Logger } from '../ops/logger.ts';
import { parseQuestion, type DnsQuestionRequest, type Question } from './question/parse-question.ts';
import type { Resolver } from '../dns/resolver.ts';
import { neutraliseText } from '../reply/safe-text.ts';
import type { ReplyLine } from '../reply/split-reply.ts';
import { specialRange, unroutableReason } from '../net/special-ranges.ts';
import { IterativeResolver } from '../dns/trace/iterative-resolver.ts';
import { ianaRootHints } from '../dns/trace/root-hints.ts';
import { udpServerQuery } from '../dns/trace/server-query.ts';
import type { ServerQuery } from '../dns/trace/name-server.ts';
import { sourceFailureText } from './answer/source-failure.ts';
import { formatTrace } from './answer/format-trace.ts';
import { UpstreamResolver } from '../dns/upstream-resolver.ts';
import { askWhois, openWhois, type Whois } from './ask-whois.ts';
import { bootstrapLine } from './answer/format-whois-answer.ts';

export interface Answer {
  readonly question: Question;
  readonly lines: readonly ReplyLine[];
  /** How many questions the answer counted as against the asker's rate limit: 1, or more for a comparison or a trace. */
  readonly cost: number;
}

/** What a watch asks through (lib/watch/): the very resolvers and sources that answer questions, so that a watch sees what an answer shows. */
export interface EngineSources {
  readonly resolvers: ReadonlyMap<string, Resolver>;
  readonly compareMax: number;
  readonly bgp?: BgpSource;
  readonly rpki?: RpkiSource;
  /** The forbidden zone `name` is under (DNS_FORBIDDEN_NAMES), or undefined. */
  forbidding(name: string): string | undefined;
}

export interface LookingGlassOptions {
  /** How the bot is addressed in help texts, e.g. `@dig`. */
  readonly botName?: string;
  readonly bgp?: BgpSource;
  /** Route origin validation of the routes BGP answers name. */
  readonly rpki?: RpkiSource;
  /** Resolvers by profile name ('' = default); built from the config when not given. */
  readonly resolvers?: ReadonlyMap<string, Resolver>;
  /** How +trace sends its queries; UDP (TCP on truncation) to each server when not given. */
  readonly traceQuery?: ServerQuery;
  /** `whois` over RDAP; undefined when RDAP=off. */
  readonly whois?: Whois;
}

/** A trace's limits besides its time (DNS_TRACE_TIMEOUT_MS): what dig +trace needs for any real name, with room for CNAMEs and glueless delegations. */
const TRACE_LIMITS = { maxReferrals: 30, maxQueries: 60 };
/** Each server asked by a trace answers within this or is passed over: authoritative servers answer in well under a second. */
const TRACE_QUERY_TIMEOUT_MS = 3000;

/**
 * What a trace counts as against the asker's rate limit: it asks servers
 * around the world up to 60 times where a question asks the resolver once, so
 * at least 3 questions, and one more for every 5 queries past 15.
 */
export function traceCost(queries: number): number {
  return Math.max(3, Math.ceil(queries / 5));
}

/**
 * The engine: the text of a question in, the lines of the answer out. The
 * bot, the `lookup` command and the tests all go through here.
 */
export class LookingGlass {
  readonly startedAt = new Date();
  private answered = 0;
  private readonly resolvers: ReadonlyMap<string, Resolver>;
  private readonly forbidden: ForbiddenNames;
  private readonly tracer: IterativeResolver;
  /** Names of the resolvers besides the default, for `via NAME`. */
  private readonly profiles: readonly string[];
  /** Lines other parts add to `info` (how many watches run). */
  private readonly infoSources: (() => Promise<readonly ReplyLine[]>)[] = [];

  constructor(
    private readonly config: EngineConfig,
    private readonly options: LookingGlassOptions = {},
  ) {
    this.resolvers = options.resolvers ?? buildResolvers(config);
    this.profiles = [...this.resolvers.keys()].filter(Boolean);
    this.forbidden = new ForbiddenNames(config.forbiddenNames);
    const { rootHints, timeoutMs, allowPrivate } = config.trace;
    this.tracer = new IterativeResolver({
      rootHints,
      ask: options.traceQuery ?? udpServerQuery(Math.min(config.timeoutMs, TRACE_QUERY_TIMEOUT_MS)),
      refuseAddress: allowPrivate ? () => undefined : unroutableReason,
      // A CNAME or a glueless name server may lead where the question itself could not go.
      refuseName: (name) => {
        const under = this.forbidden.forbidding(name);
        return under === undefined
          ? undefined
          : `names under ${under.includes('.') ? under : `.${under}`} belong to private networks, and the operator keeps them out of reach`;
      },
      limits: { ...TRACE_LIMITS, timeoutMs },
    });
  }

  /**
   * The engine with the BGP source BGP_SOURCE names, asked through the default resolver, and BGP_RPKI's RPKI source;
   * the snapshots of a table file and a VRP file are kept in `snapshotDir` (STATE_DIR).
   */
  static async open(config: EngineConfig, options: { botName?: string; logger: Logger; snapshotDir?: string }): Promise<LookingGlass> {
    const resolvers = buildResolvers(config);
    const whois = await openWhois(config.rdap, { logger: options.logger, stateDir: options.snapshotDir });
    const bgp = await openBgpSource({
      source: config.bgpSource,
      asNamesPath: config.bgpAsNames,
      resolver: resolvers.get('')!,
      timeoutMs: config.timeoutMs,
      logger: options.logger,
      snapshotDir: options.snapshotDir,
    }).catch((error: unknown) => {
      throw error instanceof DataFileLoadError ? new ConfigError('BGP_SOURCE', error.message) : error;
    });
    const rpki = bgp
      ? await openRpkiSource({ source: config.bgpRpki, timeoutMs: config.timeoutMs, logger: options.logger, snapshotDir: options.snapshotDir }).catch(
          (error: unknown) => {
            bgp.close();
            throw error instanceof DataFileLoadError ? new ConfigError('BGP_RPKI', `must be off, ripestat or a VRP file that loads: ${error.message}`) : error;
          },
        )
      : undefined;
    return new LookingGlass(config, { botName: options.botName, bgp, rpki, resolvers, whois });
  }

  /** Reloads what the engine loaded from files (a BGP table, a VRP file), for SIGHUP; true when something changed. */
  async reload(): Promise<boolean> {
    const changed = await Promise.all([this.options.bgp?.reload?.(), this.options.rpki?.reload?.(), this.options.whois?.bootstrap.reload()]);
    return changed.some(Boolean);
  }

  /** Stops what the engine watches (a BGP table file, a VRP file). */
  close(): void {
    this.options.bgp?.close();
    this.options.rpki?.close();
    this.options.whois?.bootstrap.close();
  }

  /** The resolvers and sources, for watches (lib/watch/). */
  sources(): EngineSources {
    const { bgp, rpki } = this.options;
    return { resolvers: this.resolvers, compareMax: this.config.compareMax, bgp, rpki, forbidding: (name) => this.forbidden.forbidding(name) };
  }

  /** Adds lines to the answer to `info`, asked each time it is answered. */
  addInfo(lines: () => Promise<readonly ReplyLine[]>): void {
    this.infoSources.push(lines);
  }

  /** The question in a mention's text, read once; nothing is asked yet. */
  read(text: string): Question {
    return parseQuestion(text, { profiles: this.profiles, maxTypes: this.config.maxTypes });
  }

  /**
   * What answering `question` counts as against the asker's rate limit,
   * known before anything is asked, so that an asker over the limit costs
   * no query: one per resolver a comparison asks, at least traceCost(0) for
   * a trace (which may cost more once done), else one.
   */
  costOf(question: Question): number {
    if (question.kind !== 'dns') return 1;
    if (question.dig.trace) return traceCost(0);
    return question.compare ? this.comparedResolvers() : 1;
  }

  async answer(text: string, signal?: AbortSignal): Promise<Answer> {
    return this.answerQuestion(this.read(text), signal);
  }

  async answerQuestion(question: Question, signal?: AbortSignal): Promise<Answer> {
    const answer =
      question.kind === 'dns' && question.dig.trace
        ? await this.traceAnswer(question, signal)
        : { question, lines: await this.linesFor(question, signal), cost: this.costOf(question) };
    this.answered++;
    return answer;
  }

  /** `+trace`: the engine resolves from the root itself, and the answer counts as several questions. */
  private async traceAnswer(question: DnsQuestionRequest, signal: AbortSignal | undefined): Promise<Answer> {
    const refusal = this.forbiddenLines(question);
    if (refusal) return { question, lines: refusal, cost: 1 };
    const { tcp, family } = question.dig;
    const trace = await this.tracer.trace({ name: question.name.ascii, type: question.types[0], options: { tcp, family } }, signal);
    return { question, lines: formatTrace(question, trace), cost: traceCost(trace.queries) };
  }

  private async linesFor(question: Question, signal: AbortSignal | undefined): Promise<ReplyLine[]> {
    switch (question.kind) {
      case 'help':
        return helpLines({
          botName: this.options.botName ?? '@dig',
          bgp: Boolean(this.options.bgp),
          rpki: Boolean(this.options.rpki),
          whois: Boolean(this.options.whois),
          compare: this.resolvers.size > 1,
          logQueries: this.config.logQueries,
        });
      case 'info':
        return this.infoLines();
      case 'invalid':
        // Problems quote the asker's words, which must not mention anyone either.
        return [
          { text: neutraliseText(question.refused ? `🚫 ${capitalise(question.problem)}.` : `🤔 I could not read that: ${question.problem}.`) },
          { text: neutraliseText(`${capitalise(question.hint)}. Send “help” for examples.`) },
        ];
      case 'bgp':
        return this.bgpLines(question.query, question.listPaths === true);
      case 'dns':
        return this.dnsLines(question, signal);
      case 'whois': {
        const { whois } = this.options;
        if (!whois) return [{ text: 'whois (RDAP) is turned off on this bot (RDAP=off).' }];
        return askWhois(
          question,
          { rdap: whois.client, resolver: this.resolvers.get('')!, bgp: this.options.bgp, timeoutMs: this.config.rdap.questionTimeoutMs },
          signal,
        );
      }
    }
  }

  /** The refusal of a name under DNS_FORBIDDEN_NAMES, said before any query. */
  private forbiddenLines(question: DnsQuestionRequest): ReplyLine[] | undefined {
    const forbiddenBy = this.forbidden.forbidding(question.name.ascii);
    if (forbiddenBy === undefined) return undefined;
    return [
      {
        text: `🚫 I do not look up names under ${zoneOf(forbiddenBy)}: they belong to private networks, and the operator keeps them out of reach. Ask about a public name.`,
      },
    ];
  }

  private async dnsLines(question: DnsQuestionRequest, signal: AbortSignal | undefined): Promise<ReplyLine[]> {
    const refusal = this.forbiddenLines(question);
    if (refusal) return refusal;
    if (question.compare && this.resolvers.size < 2) {
      return [{ text: 'This bot asks one resolver only, so there is nothing to compare: ask without “compare”, or ask its operator to set up DNS_PROFILES.' }];
    }
    if (question.compare) return formatComparison(question, await compareResolvers(this.resolvers, question, this.config.compareMax, signal));
    const resolver = this.resolvers.get(question.profile ?? '')!;
    const [outcomes, bgpLine] = await Promise.all([
      Promise.all(question.types.map((type) => askType(resolver, question, type, signal))),
      question.address && !question.dig.short ? this.routeSummary(question.address) : undefined,
    ]);
    return [...formatDnsAnswer(question, outcomes), ...(bgpLine ? [bgpLine] : [])];
  }

  private comparedResolvers(): number {
    return Math.min(this.resolvers.size, this.config.compareMax);
  }

  private async routeSummary(address: NonNullable<DnsQuestionRequest['address']>): Promise<ReplyLine | undefined> {
    const { bgp } = this.options;
    if (!bgp) return undefined;
    const special = specialRange(address);
    if (special) return { text: `🛰 BGP: ${special.description}, not routed on the Internet.` };
    try {
      const route = await bgp.route({ kind: 'address', address });
      return routeSummaryLine(route, await bgp.asnNames(route.origins));
    } catch (error) {
      return { text: `🛰 BGP: the ${bgp.name} source did not answer (${sourceFailureText(error)}).` };
    }
  }

  private async bgpLines(query: BgpQuery, listPaths: boolean): Promise<ReplyLine[]> {
    const { bgp } = this.options;
    if (!bgp) return [{ text: 'BGP look-ups are not enabled on this bot. Ask a name or an address instead.' }];
    if (query.kind !== 'asn') {
      const special = query.kind === 'address' ? specialRange(query.address) : specialRange(query.prefix, query.length);
      if (special) return formatSpecialRange(query, special);
    }
    try {
      const stats = await bgp.stats();
      if (query.kind === 'asn') return formatAsnAnswer(await bgp.asn(query.asn), stats);
      const route = await bgp.route(query);
      if (listPaths) return formatPathsAnswer(route, await bgp.asnNames(route.origins), stats);
      const [names, rpki] = await Promise.all([bgp.asnNames(namedAsns(route)), this.rpkiOf(route.prefix, route.origins)]);
      return formatRouteAnswer(route, names, stats, rpki);
    } catch (error) {
      return [{ text: `⚠️ The BGP source (${bgp.name}) did not answer: ${sourceFailureText(error)}. Try again later.` }];
    }
  }

  /** The RPKI state of an announced route, or why there is none; undefined without RPKI or route. */
  private async rpkiOf(route: IpPrefix | undefined, origins: readonly number[]): Promise<RouteRpki | undefined> {
    const { rpki } = this.options;
    if (!rpki || !route) return undefined;
    try {
      return { validities: await rpki.validate(route.address, route.length, origins) };
    } catch (error) {
      return { source: rpki.name, failure: sourceFailureText(error) };
    }
  }

  private cacheLines(): ReplyLine[] {
    return [...this.resolvers.entries()].flatMap(([name, resolver]) => (resolver instanceof CachingResolver ? [cacheStatsLine(name, resolver)] : []));
  }

  private traceLine(): string {
    const { rootHints, timeoutMs, allowPrivate } = this.config.trace;
    const from =
      rootHints === ianaRootHints ? `the IANA root servers (${rootHints.length} addresses)` : `root hints ${rootHints.map((h) => h.address).join(', ')}`;
    const limits = `at most ${TRACE_LIMITS.maxReferrals} referrals, ${TRACE_LIMITS.maxQueries} queries and ${timeoutMs / 1000} s`;
    return `+trace: from ${from}; ${limits}; ${allowPrivate ? 'private addresses allowed (a lab)' : 'only to public addresses'}; counts as ${traceCost(0)} or more questions.`;
  }

  private async infoLines(): Promise<ReplyLine[]> {
    const profiles = [...this.resolvers.entries()].filter(([name]) => name).map(([name, r]) => `${name} (${r.upstreams.join(', ')})`);
    const [bgpStats, rpkiStats, ...added] = await Promise.all([
      this.options.bgp?.stats().catch(() => undefined),
      this.options.rpki?.stats().catch(() => undefined),
      ...this.infoSources.map((lines) => lines().catch(() => [])),
    ]);
    return [
      { text: `fedidig: a DNS${this.options.bgp ? ' and BGP' : ''} looking glass on the fediverse. Mention me with a name, or send “help”.` },
      { text: `Resolver: ${this.resolvers.get('')!.upstreams.join(', ')}` },
      ...(profiles.length ? [{ text: `Other resolvers (via NAME): ${profiles.join('; ')}` }] : []),
      ...(profiles.length ? [{ text: `“compare” asks ${this.comparedResolvers()} of them at once (DNS_COMPARE_MAX ${this.config.compareMax})` }] : []),
      ...(bgpStats ? [{ text: `BGP ${sourceLine(bgpStats)}` }] : []),
      ...(rpkiStats ? [{ text: rpkiSourceLine(rpkiStats) }] : []),
      { text: this.traceLine() },
      ...(this.options.whois ? [{ text: bootstrapLine(this.options.whois.bootstrap.info()) }] : []),
      ...this.cacheLines(),
      ...added.flat(),
      { text: `Up ${duration(Date.now() - this.startedAt.getTime())}, ${this.answered} questions answered.` },
    ];
  }
}

function cacheStatsLine(name: string, resolver: CachingResolver): ReplyLine {
  const { size, hitRate, hits, coalesced, misses } = resolver.stats();
  return {
    text: `DNS cache${name ? ` (${name})` : ''}: ${size} answers, ${Math.round(hitRate * 100)} % hits (${hits} hits, ${coalesced} shared, ${misses} asked)`,
  };
}

/** One resolver per profile ('' = default), each behind its own answer cache unless DNS_CACHE_SIZE is 0. */
function buildResolvers(config: EngineConfig): Map<string, Resolver> {
  const build = (upstreams: EngineConfig['upstreams']): Resolver => {
    const resolver = new UpstreamResolver(upstreams, config.timeoutMs);
    if (config.cacheSize === 0) return resolver;
    return new CachingResolver(resolver, {
      maxEntries: config.cacheSize,
      maxTtlSeconds: config.cacheMaxTtlSeconds,
      maxNegativeTtlSeconds: config.cacheMaxNegativeTtlSeconds,
    });
  };
  const resolvers = new Map<string, Resolver>([['', build(config.upstreams)]]);
  for (const [name, upstreams] of config.profiles) resolvers.set(name, build(upstreams));
  return resolvers;
}

/** A forbidden name as people write a zone: `.corp`, `10.in-addr.arpa`. */
function zoneOf(forbidden: string): string {
  return forbidden.includes('.') ? forbidden : `.${forbidden}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
