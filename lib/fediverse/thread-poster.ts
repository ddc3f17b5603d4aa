/**
 * How an answer is posted as a thread, whatever the server: each part with an
 * idempotency key derived from what it answers, so that a retry or a worker
 * restarted after posting never posts twice; a new key after a 429 (Akkoma
 * replays the cached 429 for a key it has seen); the reply already in the
 * thread taken instead where the server ignores the key (GoToSocial,
 * Sharkey); one post at a time where the server pages by the millisecond
 * (Hollo); a part refused as too long split again, smaller, rather than
 * dropped.
 */

import { PostTooLongError, RateLimitedError } from './errors.ts';
import type { Account, Fediverse, Reply } from './fediverse.ts';
import type { InstanceFacts } from './instance-facts.ts';
import type { Visibility } from './reply-visibility.ts';
import { withServerRetries } from './server-retry.ts';
import { splitReply, type ReplyLine } from '../reply/split-reply.ts';

export interface ThreadPosterOptions {
  readonly fediverse: Pick<Fediverse, 'postReply' | 'findReply'>;
  readonly me: Account;
  /** What the server is, as far as posting goes: its limit, how it reads a post, its quirks (see InstanceFacts). */
  readonly server: Pick<InstanceFacts, 'maxCharacters' | 'markup' | 'idempotentPosts' | 'mentionsNeedDomain' | 'postsOneAtATime'>;
  readonly maxParts: number;
  readonly signal?: AbortSignal;
}

export interface ThreadAnswer {
  /** The status the first part replies to. */
  readonly inReplyToId: string;
  /** How the parts mention the one account they mention (mentionOf). */
  readonly mention: string;
  readonly visibility: Visibility;
  readonly lines: readonly ReplyLine[];
  /** What the parts' idempotency keys derive from: the same key for the same answer, e.g. `fedidig-<status id>`. */
  readonly key: string;
  /** Replies of the bot's in the thread that are not this answer (a watch's earlier ones), for servers that ignore the key. */
  readonly known?: ReadonlySet<string>;
}

const MIN_MAX_CHARACTERS = 100;

export class ThreadPoster {
  /** The post in progress, where posts go one at a time. */
  private posting: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ThreadPosterOptions) {}

  /** Posts the answer as a thread of parts under its status; the ids of the parts posted, in order. */
  async post(answer: ThreadAnswer): Promise<string[]> {
    const { markup } = this.options.server;
    let maxCharacters = this.options.server.maxCharacters;
    let parent = answer.inReplyToId;
    const posted: string[] = [];
    for (;;) {
      const parts = splitReply(answer.lines, { maxCharacters, maxParts: this.options.maxParts, mention: answer.mention, markup });
      try {
        for (const [index, text] of parts.entries()) {
          const key = `${answer.key}-${maxCharacters}-${index}`;
          let rotation = 0;
          const reply = await withServerRetries(
            () =>
              this.postOnce(
                { text, inReplyToId: parent, visibility: answer.visibility, markup, idempotencyKey: rotation ? `${key}-r${rotation}` : key },
                answer.known,
              ).catch((error: unknown) => {
                if (error instanceof RateLimitedError) rotation++;
                throw error;
              }),
            { signal: this.options.signal },
          );
          parent = reply.id;
          posted.push(reply.id);
        }
        return posted;
      } catch (error) {
        // Split again only while nothing is posted: starting over after part 1 would post its records twice.
        if (!(error instanceof PostTooLongError) || posted.length > 0 || maxCharacters <= MIN_MAX_CHARACTERS) throw error;
        maxCharacters = Math.max(MIN_MAX_CHARACTERS, Math.floor(maxCharacters * 0.75));
      }
    }
  }

  /** How a reply mentions `account`: with its domain where the server needs it for a local account. */
  mentionOf(account: Account): string {
    if (account.acct.includes('@') || !this.options.server.mentionsNeedDomain) return `@${account.acct}`;
    return `@${account.acct}@${new URL(account.url).host}`;
  }

  private async postOnce(reply: Reply & { readonly inReplyToId: string }, known: ReadonlySet<string> | undefined): Promise<{ readonly id: string }> {
    if (!this.options.server.idempotentPosts) {
      const existing = await this.options.fediverse.findReply(reply.inReplyToId, this.options.me.id, known);
      if (existing) return existing;
    }
    if (!this.options.server.postsOneAtATime) return this.options.fediverse.postReply(reply);
    const posted = this.posting.then(() => this.options.fediverse.postReply(reply));
    this.posting = posted.catch(() => {});
    return posted;
  }
}
