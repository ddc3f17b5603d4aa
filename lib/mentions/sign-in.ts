import type { Account, Fediverse, InstanceFacts } from '../fediverse/fediverse.ts';
import { withServerRetries } from '../fediverse/server-retry.ts';
import type { Logger } from '../ops/logger.ts';
import { errorFields } from '../ops/error-fields.ts';

/** Who the bot is on which server, and how it listens there. */
export interface Session {
  readonly me: Account;
  readonly instance: InstanceFacts;
  /** Streams where the server has a streaming API (and STREAMING is not off), else polls. */
  readonly streaming: boolean;
  /** How askers address the bot in examples: `@dig`. */
  readonly botName: string;
}

export interface SignInOptions {
  /** Events go to its child `{ component: 'sign-in' }`. */
  readonly logger: Logger;
  /** The server's address, for the log. */
  readonly instanceUrl: string;
  /** STREAMING: `off` polls even where the server could stream. */
  readonly streaming: 'auto' | 'off';
  readonly signal?: AbortSignal;
  /** Retries of each step on network errors and 5xx (default 6, with backoff). */
  readonly retries?: number;
  readonly minTimeoutMs?: number;
}

/** Signing in gave up: the step, and the last error as `cause`. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`cannot sign in: ${step} failed: ${errorFields(cause).error}`, { cause });
  }
}

/**
 * Signs in (verify_credentials) and reads the instance's facts, each step
 * retried on network errors, 5xx and 429s. Every failed attempt is logged
 * with its reason (`sign-in-failed`), giving up too (`sign-in-gave-up`, then
 * a SignInError); each fact that had to be assumed is an `instance-fact`, and
 * the session a `signed-in` event: `signed in as @dig; streaming`.
 */
export async function signIn(fediverse: Fediverse, options: SignInOptions): Promise<Session> {
  const log = options.logger.child({ component: 'sign-in' });
  const instance = options.instanceUrl;
  const step = async <T>(name: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await withServerRetries(request, {
        signal: options.signal,
        retries: options.retries,
        minTimeoutMs: options.minTimeoutMs,
        onWait: (reason, ms) => log.info({ event: 'rate-limited', step: name, waitMs: ms }, `${reason}, waiting ${ms} ms`),
        onFailure: (error, attempt, retriesLeft) =>
          log.warn(
            { event: 'sign-in-failed', step: name, instance, attempt, retriesLeft, error: error.message, errorType: error.name },
            `${name} at ${instance} failed: ${error.message}`,
          ),
      });
    } catch (error) {
      const failure = new SignInError(name, error);
      log.error({ event: 'sign-in-gave-up', step: name, instance, ...errorFields(error) }, failure.message);
      throw failure;
    }
  };
  const me = await step('verify_credentials', () => fediverse.verifyCredentials());
  const facts = await step('instance facts', () => fediverse.instance());
  const streaming = options.streaming === 'auto' && facts.streamingUrl !== undefined;
  for (const note of facts.notes) log.info({ event: 'instance-fact', software: facts.software.name }, note);
  const mode = streaming ? 'streaming' : 'polling';
  log.info(
    {
      event: 'signed-in',
      account: me.acct,
      instance,
      software: facts.software,
      markup: facts.markup,
      maxCharacters: facts.maxCharacters,
      mode,
    },
    `signed in as @${me.acct}; ${mode}`,
  );
  return { me, instance: facts, streaming, botName: `@${me.acct.split('@')[0]}` };
}
