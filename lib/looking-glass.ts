import type { BgpSource } from './bgp/bgp-source.ts';
import { DnsNetworkError, DnsTimeoutError } from './dns-errors.ts';
import type { EngineConfig } from './engine-config.ts';
import { formatDnsAnswer, type TypeOutcome } from './format-answer.ts';
import { ForbiddenNames } from './forbidden-names.ts';
import { helpLines } from './help-text.ts';
import { parseQuestion, type DnsQuestionRequest, type Question } from './parse-question.ts';
import type { Resolver } from './resolver.ts';
import type { ReplyLine } from './split-reply.ts';
import { UpstreamResolver } from './upstream-resolver.ts';

export interface Answer {
  readonly question: Question;
  readonly lines: readonly ReplyLine[];
}

export interface LookingGlassOptions {
  /** How the bot is addressed in help texts, e.g. `@dig`. */
  readonly botName?: string;
  readonly bgp?: BgpSource;
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

  constructor(private readonly config: EngineConfig, private readonly options: LookingGlassOptions = {}) {
    this.resolvers = options.resolvers ?? buildResolvers(config);
    this.forbidden = new ForbiddenNames(config.forbiddenNames);
  }

  get questionsAnswered(): number {
    return this.answered;
  }

  async answer(text: string, signal?: AbortSignal): Promise<Answer> {
    const profiles = [...this.resolvers.keys()].filter(Boolean);
    const question = parseQuestion(text, { profiles, maxTypes: this.config.maxTypes });
    const lines = await this.linesFor(question, signal);
    this.answered++;
    return { question, lines };
  }

  private async linesFor(question: Question, signal: AbortSignal | undefined): Promise<ReplyLine[]> {
    switch (question.kind) {
      case 'help':
        return helpLines(this.options.botName ?? '@dig', Boolean(this.options.bgp));
      case 'info':
        return this.infoLines();
      case 'invalid':
        return [{ text: `🤔 I could not read that: ${question.problem}.` }, { text: `${capitalise(question.hint)}. Send “help” for examples.` }];
      case 'bgp':
        return [{ text: 'BGP look-ups are not enabled on this bot.' }];
      case 'dns':
        return this.dnsLines(question, signal);
    }
  }

  private async dnsLines(question: DnsQuestionRequest, signal: AbortSignal | undefined): Promise<ReplyLine[]> {
    const forbiddenBy = this.forbidden.forbidding(question.name.ascii);
    if (forbiddenBy !== undefined) {
      return [{ text: `🚫 I do not look up names under ${forbiddenBy.includes(".") ? forbiddenBy : `.${forbiddenBy}`}: they belong to private networks, and the operator keeps them out of reach. Ask about a public name.` }];
    }
    const resolver = this.resolvers.get(question.profile ?? '')!;
    const outcomes = await Promise.all(question.types.map((type) => outcomeFor(resolver, question.name.ascii, type, signal)));
    return formatDnsAnswer(question, outcomes);
  }

  private infoLines(): ReplyLine[] {
    const profiles = [...this.resolvers.entries()].filter(([name]) => name).map(([name, r]) => `${name} (${r.upstreams.join(', ')})`);
    return [
      { text: 'fedidig: a DNS looking glass on the fediverse. Mention me with a name, or send “help”.' },
      { text: `Resolver: ${this.resolvers.get('')!.upstreams.join(', ')}` },
      ...(profiles.length ? [{ text: `Other resolvers (via NAME): ${profiles.join('; ')}` }] : []),
      { text: `Up ${duration(Date.now() - this.startedAt.getTime())}, ${this.answered} questions answered.` },
    ];
  }
}

async function outcomeFor(resolver: Resolver, name: string, type: number, signal: AbortSignal | undefined): Promise<TypeOutcome> {
  try {
    return { type, response: await resolver.resolve({ name, type }, signal) };
  } catch (error) {
    if (error instanceof DnsTimeoutError || error instanceof DnsNetworkError) return { type, error };
    throw error;
  }
}

function buildResolvers(config: EngineConfig): Map<string, Resolver> {
  const resolvers = new Map<string, Resolver>([['', new UpstreamResolver(config.upstreams, config.timeoutMs)]]);
  for (const [name, upstreams] of config.profiles) resolvers.set(name, new UpstreamResolver(upstreams, config.timeoutMs));
  return resolvers;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}
