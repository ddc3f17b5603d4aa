import type { EngineSources, LookingGlass } from '../engine/looking-glass.ts';
import type { Question } from '../engine/question/question.ts';
import type { CommandAnswer, CommandAsker, MentionCommand, MentionCommands } from './mention-commands.ts';
import { neutraliseText } from '../reply/safe-text.ts';
import type { ReplyLine } from '../reply/split-reply.ts';
import { lifetimeMs, readWatchCommand, type WatchCommand } from './watch-command.ts';
import { checkQuestion, type WatchedQuestion } from './watch-check.ts';
import type { WatchConfig } from './watch-config.ts';
import { checkDelay, noProgress } from './watch-rules.ts';
import { describeState, parseState, stateKey } from './watch-state.ts';
import type { NewWatch, WatchRecord, WatchStore } from './watch-store.ts';
import { bgpEvery, dnsEvery, listLines, startedLines } from './watch-text.ts';

export interface WatchDeskOptions {
  readonly store: WatchStore;
  readonly engine: Pick<LookingGlass, 'read' | 'answerQuestion'>;
  readonly sources: EngineSources;
  readonly config: WatchConfig;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The watched question as the engine reads it, or the lines that say why it cannot be watched. */
export function watchable(question: Question, sources: EngineSources): WatchedQuestion | ReplyLine[] | 'engine' {
  if (question.kind === 'invalid') return 'engine';
  if (question.kind === 'help' || question.kind === 'info') {
    return [
      { text: 'I watch a DNS or a BGP question: e.g. “watch example.com NS”, “watch example.com A compare”, “watch bgp 192.0.2.0/24” or “watch AS64500”.' },
    ];
  }
  if (question.kind === 'bgp') return sources.bgp ? { kind: 'bgp', query: question.query } : 'engine';
  if (question.kind === 'whois') return [{ text: 'I watch DNS and BGP questions, not whois: registration data changes too rarely to watch.' }];
  if (question.dig.trace) return [{ text: 'A watch follows what the resolvers answer, not a +trace: ask without +trace.' }];
  if (sources.forbidding(question.name.ascii) !== undefined || (question.compare && sources.resolvers.size < 2)) return 'engine';
  return question;
}

/** The parsed question as a key: `unwatch QUESTION` finds the watch of the same question however it is written. */
export function questionKey(question: WatchedQuestion): string {
  return JSON.stringify(question.kind === 'bgp' ? question.query : { ...question, dig: { ...question.dig, short: undefined } });
}

/**
 * Answers `watch`, `unwatch` and `watches`: starts a watch (its first check
 * is the state changes are measured from), ends one, lists the asker's own.
 * The checks themselves are the Watcher's.
 */
export class WatchDesk implements MentionCommands {
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: WatchDeskOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  read(text: string): MentionCommand | undefined {
    const command = readWatchCommand(text);
    return command && { answer: (asker) => this.answer(command, asker) };
  }

  private answer(command: WatchCommand, asker: CommandAsker): Promise<CommandAnswer> {
    switch (command.kind) {
      case 'watch':
        return this.start(command, asker);
      case 'unwatch':
        return this.stop(command.question, asker);
      case 'watches':
        return this.list(asker);
    }
  }

  private async start(command: Extract<WatchCommand, { kind: 'watch' }>, asker: CommandAsker): Promise<CommandAnswer> {
    const { store, config, engine, sources } = this.options;
    if (config.max === 0) return { lines: [{ text: 'Watches are turned off on this bot.' }] };
    const question = engine.read(command.question);
    const watched = watchable(question, sources);
    if (watched === 'engine') return { lines: (await engine.answerQuestion(question)).lines };
    if (Array.isArray(watched)) return { lines: watched };
    const { status } = asker;
    const known = await store.get(status.id);
    // A mention answered again after a crash: the watch it started is told again, not started twice.
    if (known) return this.started(known);
    const now = this.now();
    const observation = await checkQuestion(watched, sources, config.visibilityThreshold);
    const kind = watched.kind === 'bgp' ? 'bgp' : 'dns';
    const watch: NewWatch = {
      id: status.id,
      asker: status.account.acct.toLowerCase(),
      mention: asker.mention,
      question: command.question,
      questionKey: questionKey(watched),
      kind,
      visibility: asker.visibility,
      createdAt: now,
      expiresAt: now + lifetimeMs(command.lifetimeDays, config.defaultLifetimeDays, config.maxLifetimeDays),
      nextCheckAt: now + checkDelay(kind, observation?.ttlSeconds, config, this.random()),
      progress: observation ? { ...noProgress, reported: stateKey(observation.state) } : noProgress,
    };
    const added = await store.add(watch, { perAsker: config.perAsker, total: config.max });
    if (added === 'asker-limit') {
      return {
        lines: [
          { text: `🚫 You watch ${config.perAsker} things already, the most one account may here.` },
          { text: 'Send “watches” to list them, or “unwatch” in a watch’s thread to end one.' },
        ],
      };
    }
    if (added === 'total-limit')
      return { lines: [{ text: `🚫 ${config.max} watches run already, the most my operator allows for everyone together. Try again later.` }] };
    // A mention answered again (after a crash) finds the watch it started the first time: that row is the one told.
    return this.started(added === 'added' ? watch : ((await store.get(status.id)) ?? watch));
  }

  private started(watch: NewWatch): CommandAnswer {
    const { config, sources, store } = this.options;
    const reloads = Boolean(sources.bgp?.reload || sources.rpki?.reload);
    const every = watch.kind === 'dns' ? dnsEvery(config.minIntervalMs) : bgpEvery(config.bgpIntervalMs, reloads);
    const now = watch.progress.reported === undefined ? undefined : describeState(parseState(watch.progress.reported));
    return {
      lines: startedLines({ question: watch.question, expiresAt: watch.expiresAt, every, now, dailyChanges: config.dailyChanges }),
      posted: async (ids) => {
        for (const id of ids) await store.addPost(watch.id, id);
      },
    };
  }

  private async stop(asked: string | undefined, asker: CommandAsker): Promise<CommandAnswer> {
    const { store, engine, sources } = this.options;
    const owner = asker.status.account.acct.toLowerCase();
    let watch: WatchRecord | undefined;
    if (asked !== undefined) {
      const watched = watchable(engine.read(asked), sources);
      const key = typeof watched === 'object' && !Array.isArray(watched) ? questionKey(watched) : undefined;
      watch = (await store.running(owner)).find((w) => w.questionKey === key);
    } else if (asker.status.inReplyToId !== undefined) {
      const inThread = await store.watchOfPost(asker.status.inReplyToId);
      watch = inThread?.asker === owner ? inThread : undefined;
    }
    if (!watch) {
      const where = asked === undefined ? 'in this thread' : `of “${neutraliseText(asked)}”`;
      return { lines: [{ text: `I found no watch of yours ${where}. Send “watches” to list yours.` }] };
    }
    await store.end(watch.id, 'unwatched', this.now());
    return { lines: [{ text: `⏹ I stopped watching “${neutraliseText(watch.question)}”.` }] };
  }

  private async list(asker: CommandAsker): Promise<CommandAnswer> {
    const watches = await this.options.store.running(asker.status.account.acct.toLowerCase());
    return { lines: listLines(watches, this.options.config.perAsker), direct: true };
  }
}
