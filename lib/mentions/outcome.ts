import { RequestRejectedError } from '../fediverse/errors.ts';
import type { MentionNotification } from '../fediverse/fediverse.ts';
import { mayLogQuestion, type LogQueries } from '../policy/log-privacy.ts';
import type { Logger } from '../ops/logger.ts';
import { errorFields } from '../ops/error-fields.ts';
import type { MentionResponder } from './responder.ts';

/**
 * What a failed answer means for the mention:
 * - `refused`: the server refused the reply for good (RequestRejectedError: the question is gone, StatusGoneError,
 *   or the post is invalid, e.g. still too long at the smallest size). Asking again gets the same answer, so the
 *   mention counts as handled, or it would hold the watermark forever.
 * - `failed`: anything else (the server kept failing through every retry, or refused the token, AuthError, which an
 *   operator can fix): the mention keeps its place and is listed again.
 */
export function settlementOf(error: unknown): 'refused' | 'failed' {
  return error instanceof RequestRejectedError ? 'refused' : 'failed';
}

export interface MentionHandlerOptions {
  readonly responder: Pick<MentionResponder, 'respond'>;
  /** Each outcome is an event of its child `{ component: 'mentions' }`. */
  readonly logger: Logger;
  /** LOG_QUERIES: whose question texts the answered events carry. */
  readonly logQueries: LogQueries;
  /** A mention failed for now: have it listed again after `retryMs`. */
  readonly retryLater: (retryMs: number) => void;
  readonly failedRetryMs?: number;
}

const FAILED_RETRY_MS = 30_000;

/**
 * The queue's handler: answers one mention and logs what became of it, one
 * event each — `mention-answered` (with the question's text where LOG_QUERIES
 * allows it, and where the time went: `queueMs`, `dnsMs`, `postMs`),
 * `mention-skipped` (with the reason), `mention-refused` or `mention-failed`.
 * A failed mention rejects, so that the queue keeps the watermark before it.
 */
export function mentionHandler(options: MentionHandlerOptions): (notification: MentionNotification, queueMs: number) => Promise<void> {
  const log = options.logger.child({ component: 'mentions' });
  const retryMs = options.failedRetryMs ?? FAILED_RETRY_MS;
  return async (notification, queueMs) => {
    const { id, status } = notification;
    const event = { mention: id, asker: status?.account.acct, visibility: status?.visibility, queueMs };
    try {
      const outcome = await options.responder.respond(notification);
      if (outcome.action === 'skipped') {
        log.info({ event: 'mention-skipped', ...event, outcome: 'skipped', reason: outcome.reason }, `mention ${id} skipped: ${outcome.reason}`);
        return;
      }
      const question = mayLogQuestion(options.logQueries, outcome.visibility) ? outcome.question : undefined;
      const times = { dnsMs: Math.round(outcome.engineMs), postMs: Math.round(outcome.postMs) };
      log.info(
        { event: 'mention-answered', ...event, outcome: 'answered', parts: outcome.parts, question, ...times },
        `mention ${id} answered in ${outcome.parts} post(s)`,
      );
    } catch (error) {
      const fields = errorFields(error);
      if (settlementOf(error) === 'refused') {
        log.warn({ event: 'mention-refused', ...event, outcome: 'refused', ...fields }, `mention ${id}: the server refused the reply for good`);
        return;
      }
      log.warn(
        { event: 'mention-failed', ...event, outcome: 'failed', ...fields, retryMs },
        `mention ${id} failed; asking for it again in ${retryMs / 1000} s`,
      );
      options.retryLater(retryMs);
      throw error;
    }
  };
}
