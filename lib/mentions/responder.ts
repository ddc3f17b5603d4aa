import { performance } from 'node:perf_hooks';
import type { AskerRateLimit } from '../policy/asker-rate-limit.ts';
import { blockReason, type BlockList } from '../policy/block-list.ts';
import type { FloodWatch } from '../policy/flood-watch.ts';
import type { WaitingRateLimit } from '../policy/waiting-rate-limit.ts';
import type { InstanceFacts } from '../fediverse/instance-facts.ts';
import type { Account, Fediverse, MentionNotification } from '../fediverse/fediverse.ts';
import type { LookingGlass } from '../engine/looking-glass.ts';
import { mentionText } from '../fediverse/mention-text.ts';
import { replyVisibility, type Visibility } from '../fediverse/reply-visibility.ts';
import { ThreadPoster } from '../fediverse/thread-poster.ts';
import type { ReplyLine } from '../reply/split-reply.ts';
import type { CommandAnswer, MentionCommands } from '../watch/mention-commands.ts';

export interface ResponderOptions {
  readonly fediverse: Fediverse;
  /** What answers a question: the LookingGlass, or any engine with its `answer`. */
  readonly engine: Pick<LookingGlass, 'read' | 'costOf' | 'answerQuestion'>;
  readonly me: Account;
  /** What the server is, as far as posting goes: its limit, how it reads a post, its quirks (see InstanceFacts). */
  readonly server: Pick<InstanceFacts, 'maxCharacters' | 'markup' | 'idempotentPosts' | 'mentionsNeedDomain' | 'postsOneAtATime'>;
  readonly maxParts: number;
  readonly maxVisibility: Visibility;
  readonly rateLimit: AskerRateLimit;
  readonly globalRateLimit: WaitingRateLimit;
  /** The block list in force now (it may be re-read from a file at any time). */
  readonly blockList: () => BlockList;
  readonly floodWatch?: FloodWatch;
  /** Read before the engine reads a question: `watch`, `unwatch`, `watches` (lib/watch/). */
  readonly commands?: MentionCommands;
  /** Posts the answers; one of its own unless given (the bot shares one with the watches). */
  readonly poster?: ThreadPoster;
  readonly signal?: AbortSignal;
}

/** What became of one notification, for the log. */
export type Outcome =
  | {
      readonly action: 'answered';
      readonly parts: number;
      readonly question: string;
      readonly visibility: string;
      readonly engineMs: number;
      readonly postMs: number;
    }
  | { readonly action: 'skipped'; readonly reason: string };

/** Takes one mention from the server and decides whether and what to answer; the ThreadPoster posts it. */
export class MentionResponder {
  private readonly poster: ThreadPoster;

  constructor(private readonly options: ResponderOptions) {
    this.poster = options.poster ?? new ThreadPoster(options);
  }

  async respond(notification: MentionNotification): Promise<Outcome> {
    const { status } = notification;
    if (notification.type !== 'mention' || !status) return skipped(`a ${notification.type} notification`);
    const { me } = this.options;
    if (status.account.id === me.id) return skipped('my own post');
    const blocked = blockReason(this.options.blockList(), status.account.acct);
    if (blocked) return skipped(blocked);
    this.options.floodWatch?.record(status.account.acct);
    const text = mentionText(status.content, [me.url, ...status.mentions.map((m) => m.url)]);
    const inMyThread = status.inReplyToAccountId === me.id;
    // A bot replying to my answer would answer my answer again: never start that loop.
    if (inMyThread && status.account.bot) return skipped('a bot replying in my thread');
    const command = this.options.commands?.read(text);
    const question = command ? undefined : this.options.engine.read(text);
    if (inMyThread && question && !isRealQuestion(question, text)) return skipped('a reply in my thread without a question');
    const asker = status.account.acct.toLowerCase();
    // Decided before anything is asked, so that an asker over the limit costs no query.
    const cost = question ? this.options.engine.costOf(question) : 1;
    const rate = this.options.rateLimit.decide(asker, Date.now(), cost);
    if (rate === 'silence') return skipped('over the rate limit, notice already sent');
    await this.options.globalRateLimit.take();
    let lines: readonly ReplyLine[];
    let engineMs = 0;
    let answered: CommandAnswer | undefined;
    const visibility = replyVisibility(status.visibility, this.options.maxVisibility);
    const mention = this.poster.mentionOf(status.account);
    if (rate === 'notice') {
      const retryAfter = this.options.rateLimit.retryAfterSeconds(asker, Date.now(), cost);
      lines = [
        { text: `You are asking faster than I answer: ${this.options.rateLimit.windowMs / 1000} s between bursts, please. Try again in ${retryAfter} s.` },
      ];
    } else if (command) {
      const engineStarted = performance.now();
      answered = await command.answer({ status, mention, visibility });
      engineMs = performance.now() - engineStarted;
      lines = answered.lines;
    } else {
      const engineStarted = performance.now();
      const answer = await this.options.engine.answerQuestion(question!, this.options.signal);
      engineMs = performance.now() - engineStarted;
      // A trace may have asked more servers than it was charged for up front.
      this.options.rateLimit.charge(asker, Date.now(), answer.cost - cost);
      lines = answer.lines;
    }
    const postStarted = performance.now();
    // A list of one's own watches goes to the asker alone, whatever the question's visibility.
    const replyTo = answered?.direct ? 'direct' : visibility;
    const posted = await this.poster.post({ inReplyToId: status.id, mention, visibility: replyTo, lines, key: `fedidig-${status.id}` });
    await answered?.posted?.(posted);
    return { action: 'answered', parts: posted.length, question: text, visibility: status.visibility, engineMs, postMs: performance.now() - postStarted };
  }
}

/**
 * In a reply to me, "thanks!" is no question; a name with a dot, an address,
 * bgp, help or info is, and so is what I refuse (another server, a zone
 * transfer) or a dig command line I cannot read: asking again in the thread
 * is how people try once more, and they deserve the reason.
 */
function isRealQuestion(question: { kind: string; name?: { ascii: string }; address?: unknown; refused?: boolean; command?: boolean }, text: string): boolean {
  if (question.kind === 'bgp' || question.kind === 'info') return true;
  if (question.kind === 'help') return /\bhelp\b/i.test(text);
  if (question.kind === 'dns') return Boolean(question.address) || Boolean(question.name?.ascii.includes('.'));
  return Boolean(question.refused || question.command);
}

function skipped(reason: string): Outcome {
  return { action: 'skipped', reason };
}
