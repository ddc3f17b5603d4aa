import pRetry from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimitedError, TransientServerError } from './errors.ts';

export interface RetryOptions {
  readonly retries?: number;
  readonly minTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onWait?: (reason: string, ms: number) => void;
  /** Every failed attempt, retried or not: a bot that cannot reach its server says why each time, not only when it gives up. */
  readonly onFailure?: (error: Error, attempt: number, retriesLeft: number) => void;
}

/**
 * Runs a request to the server with retries on network errors and 5xx. A 429
 * waits until the server's X-RateLimit-Reset and then tries again without
 * using up the retry budget, however long the storm lasts.
 */
export function withServerRetries<T>(request: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return pRetry(request, {
    retries: options.retries ?? 6,
    minTimeout: options.minTimeoutMs ?? 1000,
    maxTimeout: 60_000,
    signal: options.signal,
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (!(error instanceof RateLimitedError)) options.onFailure?.(error, attemptNumber, retriesLeft);
      if (error instanceof RateLimitedError) {
        const ms = Math.max(0, error.resetAt.getTime() - Date.now()) + 50;
        options.onWait?.('rate limited', ms);
        await sleep(ms, undefined, { signal: options.signal });
      }
    },
    shouldConsumeRetry: ({ error }) => !(error instanceof RateLimitedError),
    shouldRetry: ({ error }) => error instanceof RateLimitedError || error instanceof TransientServerError,
  });
}
