/**
 * Why the guarded fetch (guarded-fetch.ts) got no answer, decided there where
 * HTTP and the guard's rules are known; what the answer means (a 404, JSON
 * that is not what was asked) is the caller's protocol's to say. `host` is
 * the server's host name as the URL gave it.
 */

/** The URL may not be fetched: not https, or its host resolves only to addresses that may not be reached. */
export class FetchRefusedError extends Error {
  override readonly name = 'FetchRefusedError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused ${url}: ${reason}`);
  }
}

/** The server could not be reached: no address, connection refused or reset, TLS failure. */
export class FetchUnreachableError extends Error {
  override readonly name = 'FetchUnreachableError';
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`${host} could not be reached: ${reason}`);
  }
}

/** The server did not answer within the request's time limit. */
export class FetchTimeoutError extends Error {
  override readonly name = 'FetchTimeoutError';
  constructor(
    readonly host: string,
    readonly timeoutMs: number,
  ) {
    super(`${host} did not answer within ${timeoutMs} ms`);
  }
}

/** The answer was larger than the cap. */
export class FetchTooLargeError extends Error {
  override readonly name = 'FetchTooLargeError';
  constructor(
    readonly host: string,
    readonly maxBytes: number,
  ) {
    super(`${host} sent more than ${maxBytes} bytes`);
  }
}

/** More redirects than allowed, or a redirect without a usable Location. */
export class FetchRedirectError extends Error {
  override readonly name = 'FetchRedirectError';
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`${host}: ${reason}`);
  }
}
