/**
 * What can go wrong between the bot and its server, one class per failure,
 * each with the details that matter (as masto.js's errors have). The client
 * (mastodon-client.ts) decides which one a response is, where the protocol is
 * known; the rest of the bot decides what to do by class, never by an HTTP
 * status or a message text.
 *
 * - worth trying again soon: RateLimitedError (after `resetAt`), TransientServerError (network, 5xx, a dropped stream);
 * - refused for good, RequestRejectedError and its kinds: PostTooLongError, StatusGoneError;
 * - AuthError: the token is refused; neither retried at once nor final, as an operator can fix it.
 */
export abstract class FediverseError extends Error {}

/**
 * The server said 429; nothing is to be sent before `resetAt` (Mastodon's X-RateLimit-Reset). A 429 surely
 * left the request undone, so a retry may take a new Idempotency-Key: Akkoma keeps every answer under its key,
 * errors too, and would replay the 429 for hours to a retry with the same key. (A 5xx may come from a proxy
 * whose server did post: that retry keeps its key.)
 */
export class RateLimitedError extends FediverseError {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly resetAt: Date,
    options?: ErrorOptions,
  ) {
    super(`rate limited until ${resetAt.toISOString()}`, options);
  }
}

/** Worth trying again: a network error (`status` undefined), a 5xx, or a proxy's HTML error page. */
export class TransientServerError extends FediverseError {
  override readonly name: string = 'TransientServerError';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The notification stream ended (a drop, or silent for longer than allowed): catch up, then stream again. */
export class StreamClosedError extends TransientServerError {
  override readonly name = 'StreamClosedError';
  constructor(
    /** How long the stream had been silent when it ended. */
    readonly silentMs: number,
  ) {
    super(`stream closed after ${Math.round(silentMs / 1000)} s of silence or a drop`);
  }
}

/** The server refused the token (401) or what it may do (403): revoked, expired, or lacking a scope. */
export class AuthError extends FediverseError {
  override readonly name = 'AuthError';
  constructor(
    readonly status: 401 | 403,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${status}: ${message}`, options);
  }
}

/** The server refused the request for good (a 4xx other than 401, 403 and 429): asking again gets the same answer. */
export class RequestRejectedError extends FediverseError {
  override readonly name: string = 'RequestRejectedError';
  constructor(
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${status}: ${message}`, options);
  }
}

/**
 * The server refused a post as too long: Mastodon and Akkoma with 422,
 * GoToSocial ("exceed max chars") and Sharkey (MAX_LENGTH) with 400.
 */
export class PostTooLongError extends RequestRejectedError {
  override readonly name = 'PostTooLongError';
}

/** The status a request was about (the question being answered) is gone or hidden from the bot: 404 or 410. */
export class StatusGoneError extends RequestRejectedError {
  override readonly name = 'StatusGoneError';
  constructor(
    readonly statusId: string,
    status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(status, message, options);
  }
}
