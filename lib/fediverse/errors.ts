/**
 * The server said 429; nothing is to be sent before `resetAt` (Mastodon's X-RateLimit-Reset). A 429 surely
 * left the request undone, so a retry may take a new Idempotency-Key: Akkoma keeps every answer under its key,
 * errors too, and would replay the 429 for hours to a retry with the same key. (A 5xx may come from a proxy
 * whose server did post: that retry keeps its key.)
 */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(readonly resetAt: Date) {
    super(`rate limited until ${resetAt.toISOString()}`);
  }
}

/** Worth trying again: a network error, a 5xx, or a proxy's HTML error page. */
export class TransientServerError extends Error {
  override readonly name = 'TransientServerError';
}

/** The server refused the request for good (4xx other than 429); `status` 422 means the post is invalid, e.g. too long. */
export class RequestRejectedError extends Error {
  override readonly name: string = 'RequestRejectedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`${status}: ${message}`);
  }
}

/**
 * The server refused a post as too long: Mastodon and Akkoma with 422,
 * GoToSocial ("exceed max chars") and Sharkey (MAX_LENGTH) with 400.
 */
export class PostTooLongError extends RequestRejectedError {
  override readonly name = 'PostTooLongError';
}
