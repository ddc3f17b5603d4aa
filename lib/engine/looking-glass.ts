import type { BgpQuery, BgpSource } from '../bgp/bgp-source.ts';
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
} from './answer/format-bgp-answer.ts';
import { helpLines } from './answer/help-text.ts';
import { infoLines } from './answer/info-text.ts';
import { bgpOffLines, forbiddenNameLines, invalidQuestionLines, nothingToCompareLines, whoisOffLines } from './answer/refusals.ts';
import { buildResolvers, buildTracer, type EngineParts, openEngineParts, TRACE_LIMITS } from './assembly.ts';
import type { RpkiSource } from '../bgp/rpki/rpki-source.ts';
import type { IpPrefix } from '../net/ip-address.ts';
import type { Logger } from '../ops/logger.ts';
import { parseQuestion } from './question/parse-question.ts';
import { questionFromPath, type QuestionPath } from './question/path-question.ts';
import type { DnsQuestionRequest, Question } from './question/question.ts';
import type { Resolver } from '../dns/resolver.ts';
import type { ReplyLine } from '../reply/split-reply.ts';
import { specialRange } from '../net/special-ranges.ts';
import type { IterativeResolver } from '../dns/trace/iterative-resolver.ts';
import type { ServerQuery } from '../dns/trace/name-server.ts';
import { isLastingFailure, sourceFailureText } from './answer/source-failure.ts';
import { formatTrace } from './answer/format-trace.ts';
import { askWhois } from './ask-whois.ts';

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

/** The engine's parts (the resolvers are built from the config when not given), how the bot is addressed, and how a trace asks. */
export interface LookingGlassOptions extends Partial<EngineParts> {
  /** How the bot is addressed in help texts, e.g. `@dig`. */
  readonly botName?: string;
  /** How +trace sends its queries; UDP (TCP on truncation) to each server when not given. */
  readonly traceQuery?: ServerQuery;
}

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
    this.tracer = buildTracer(config, options.traceQuery, (name) => this.forbidden.forbidding(name));
  }

  /** The engine with the resolvers and sources its configuration names (assembly.ts); snapshots are kept in `snapshotDir` (STATE_DIR). */
  static async open(config: EngineConfig, options: { botName?: string; logger: Logger; snapshotDir?: string }): Promise<LookingGlass> {
    return new LookingGlass(config, { botName: options.botName, ...(await openEngineParts(config, options)) });
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

  /** The question of an HTTP path's parts (the twin's), read once; nothing is asked yet. */
  readPath(path: QuestionPath): Question {
    return questionFromPath(path, { profiles: this.profiles, maxTypes: this.config.maxTypes });
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
        return this.info();
      case 'invalid':
        return invalidQuestionLines(question);
      case 'bgp':
        return this.bgpLines(question.query, question.listPaths === true);
      case 'dns':
        return this.dnsLines(question, signal);
      case 'whois': {
        const { whois } = this.options;
        if (!whois) return [...whoisOffLines];
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
    return forbiddenBy === undefined ? undefined : forbiddenNameLines(forbiddenBy);
  }

  private async dnsLines(question: DnsQuestionRequest, signal: AbortSignal | undefined): Promise<ReplyLine[]> {
    const refusal = this.forbiddenLines(question);
    if (refusal) return refusal;
    if (question.compare && this.resolvers.size < 2) return [...nothingToCompareLines];
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
    if (!bgp) return [...bgpOffLines];
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
      const retry = isLastingFailure(error) ? '' : ' Try again later.';
      return [{ text: `⚠️ The BGP source (${bgp.name}) did not answer: ${sourceFailureText(error)}.${retry}` }];
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

  private async info(): Promise<ReplyLine[]> {
    const [bgpStats, rpkiStats, ...added] = await Promise.all([
      this.options.bgp?.stats().catch(() => undefined),
      this.options.rpki?.stats().catch(() => undefined),
      ...this.infoSources.map((lines) => lines().catch(() => [])),
    ]);
    return infoLines({
      resolvers: this.resolvers,
      compared: this.comparedResolvers(),
      compareMax: this.config.compareMax,
      bgp: Boolean(this.options.bgp),
      bgpStats,
      rpkiStats,
      trace: this.config.trace,
      traceLimits: TRACE_LIMITS,
      traceCost: traceCost(0),
      bootstrap: this.options.whois?.bootstrap.info(),
      added: added.flat(),
      upMs: Date.now() - this.startedAt.getTime(),
      answered: this.answered,
    });
  }
}
