import type { BgpQuery, BgpSource } from '../bgp/bgp-source.ts';
import { CachingResolver } from '../dns/caching-resolver.ts';
import { duration } from './duration.ts';
import type { EngineConfig } from './config.ts';
import { askType } from './ask-dns.ts';
import { formatDnsAnswer } from './format-dns-answer.ts';
import { ForbiddenNames } from './forbidden-names.ts';
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
} from './format-bgp-answer.ts';
import { helpLines } from './help-text.ts';
import { openBgpSource } from '../bgp/open-source.ts';
import { openRpkiSource } from '../bgp/rpki/open-rpki-source.ts';
import type { RpkiSource } from '../bgp/rpki/rpki-source.ts';
import { parseCidr } from '../net/ip-address.ts';
import type { Logger } from '../ops/logger.ts';
import { parseQuestion, type DnsQuestionRequest, type Question } from './parse-question.ts';
import type { Resolver } from '../dns/resolver.ts';
import { neutraliseText } from '../reply/safe-text.ts';
import type { ReplyLine } from '../reply/split-reply.ts';
import { specialRange } from './special-ranges.ts';
import { UpstreamResolver } from '../dns/upstream-resolver.ts';

export interface Answer {
  readonly question: Question;
  readonly lines: readonly ReplyLine[];
}

export interface LookingGlassOptions {
  /** How the bot is addressed in help texts, e.g. `@dig`. */
  readonly botName?: string;
  readonly bgp?: BgpSource;
  /** Route origin validation of the routes BGP answers name. */
  readonly rpki?: RpkiSource;
  /** Resolvers by profile name ('' = default); built from the config when not given. */
  readonly resolvers?: ReadonlyMap<string, Resolver>;
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
  /** Names of the resolvers besides the default, for `via NAME`. */
  private readonly profiles: readonly string[];

  constructor(
    private readonly config: EngineConfig,
    private readonly options: LookingGlassOptions = {},
  ) {
    this.resolvers = options.resolvers ?? buildResolvers(config);
    this.profiles = [...this.resolvers.keys()].filter(Boolean);
    this.forbidden = new ForbiddenNames(config.forbiddenNames);
  }

  /**
   * The engine with the BGP source BGP_SOURCE names, asked through the default resolver, and BGP_RPKI's RPKI source;
   * the snapshots of a table file and a VRP file are kept in `snapshotDir` (STATE_DIR).
   */
  static async open(config: EngineConfig, options: { botName?: string; logger: Logger; snapshotDir?: string }): Promise<LookingGlass> {
    const resolvers = buildResolvers(config);
    const bgp = await openBgpSource({
      source: config.bgpSource,
      asNamesPath: config.bgpAsNames,
      resolver: resolvers.get('')!,
      timeoutMs: config.timeoutMs,
      logger: options.logger,
      snapshotDir: options.snapshotDir,
    });
    const rpki = bgp
      ? await openRpkiSource({ source: config.bgpRpki, timeoutMs: config.timeoutMs, logger: options.logger, snapshotDir: options.snapshotDir }).catch(
          (error: unknown) => {
            bgp.close();
            throw error;
          },
        )
      : undefined;
    return new LookingGlass(config, { botName: options.botName, bgp, rpki, resolvers });
  }

  /** Reloads what the engine loaded from files (a BGP table, a VRP file), for SIGHUP; true when something changed. */
  async reload(): Promise<boolean> {
    const changed = await Promise.all([this.options.bgp?.reload?.(), this.options.rpki?.reload?.()]);
    return changed.some(Boolean);
  }

  /** Stops what the engine watches (a BGP table file, a VRP file). */
  close(): void {
    this.options.bgp?.close();
    this.options.rpki?.close();
  }

  async answer(text: string, signal?: AbortSignal): Promise<Answer> {
    const question = parseQuestion(text, { profiles: this.profiles, maxTypes: this.config.maxTypes });
    const lines = await this.linesFor(question, signal);
    this.answered++;
    return { question, lines };
  }

  private async linesFor(question: Question, signal: AbortSignal | undefined): Promise<ReplyLine[]> {
    switch (question.kind) {
      case 'help':
        return helpLines(this.options.botName ?? '@dig', Boolean(this.options.bgp), Boolean(this.options.rpki), this.config.logQueries);
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
    }
  }

  private async dnsLines(question: DnsQuestionRequest, signal: AbortSignal | undefined): Promise<ReplyLine[]> {
    const forbiddenBy = this.forbidden.forbidding(question.name.ascii);
    if (forbiddenBy !== undefined) {
      return [
        {
          text: `🚫 I do not look up names under ${forbiddenBy.includes('.') ? forbiddenBy : `.${forbiddenBy}`}: they belong to private networks, and the operator keeps them out of reach. Ask about a public name.`,
        },
      ];
    }
    const resolver = this.resolvers.get(question.profile ?? '')!;
    const [outcomes, bgpLine] = await Promise.all([
      Promise.all(question.types.map((type) => askType(resolver, question, type, signal))),
      question.address ? this.routeSummary(question.address) : undefined,
    ]);
    return [...formatDnsAnswer(question, outcomes), ...(bgpLine ? [bgpLine] : [])];
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
      return { text: neutraliseText(`🛰 BGP: the ${bgp.name} source did not answer (${(error as Error).message}).`) };
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
      // The message may quote a remote service: untrusted text like DNS data.
      return [{ text: neutraliseText(`⚠️ The BGP source (${bgp.name}) did not answer: ${(error as Error).message}. Try again later.`) }];
    }
  }

  /** The RPKI state of an announced route, or why there is none; undefined without RPKI or route. */
  private async rpkiOf(prefix: string | undefined, origins: readonly number[]): Promise<RouteRpki | undefined> {
    const { rpki } = this.options;
    const route = prefix === undefined ? undefined : parseCidr(prefix);
    if (!rpki || !route) return undefined;
    try {
      return { validities: await rpki.validate(route.address, route.length, origins) };
    } catch (error) {
      return { source: rpki.name, error: error as Error };
    }
  }

  private cacheLines(): ReplyLine[] {
    return [...this.resolvers.entries()].flatMap(([name, resolver]) => (resolver instanceof CachingResolver ? [cacheStatsLine(name, resolver)] : []));
  }

  private async infoLines(): Promise<ReplyLine[]> {
    const profiles = [...this.resolvers.entries()].filter(([name]) => name).map(([name, r]) => `${name} (${r.upstreams.join(', ')})`);
    const [bgpStats, rpkiStats] = await Promise.all([this.options.bgp?.stats().catch(() => undefined), this.options.rpki?.stats().catch(() => undefined)]);
    return [
      { text: `fedidig: a DNS${this.options.bgp ? ' and BGP' : ''} looking glass on the fediverse. Mention me with a name, or send “help”.` },
      { text: `Resolver: ${this.resolvers.get('')!.upstreams.join(', ')}` },
      ...(profiles.length ? [{ text: `Other resolvers (via NAME): ${profiles.join('; ')}` }] : []),
      ...(bgpStats ? [{ text: `BGP ${sourceLine(bgpStats)}` }] : []),
      ...(rpkiStats ? [{ text: rpkiSourceLine(rpkiStats) }] : []),
      ...this.cacheLines(),
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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
