import type { MentionStatus } from '../fediverse/fediverse.ts';
import type { Visibility } from '../fediverse/reply-visibility.ts';
import type { ReplyLine } from '../reply/split-reply.ts';

/**
 * What is said to the bot besides questions for the engine (`watch`,
 * `unwatch`, `watches`): read from the mention's text first, and answered in
 * the thread like a question, under the same rate limits. Watching is the
 * only such thing yet, so the responder's contract lives here, below it.
 */
export interface MentionCommands {
  read(text: string): MentionCommand | undefined;
}

export interface MentionCommand {
  answer(asker: CommandAsker): Promise<CommandAnswer>;
}

export interface CommandAsker {
  readonly status: MentionStatus;
  /** How a reply mentions the asker. */
  readonly mention: string;
  /** The visibility of the reply: the question's, capped by the operator. */
  readonly visibility: Visibility;
}

export interface CommandAnswer {
  readonly lines: readonly ReplyLine[];
  /** Posted as a direct message, whatever the question's visibility (a list of one's own watches). */
  readonly direct?: boolean;
  /** Told the ids of the posted parts once they are in the thread. */
  readonly posted?: (ids: readonly string[]) => Promise<void>;
}
