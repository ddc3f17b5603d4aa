/**
 * Why an RDAP look-up gave no object, decided here where RDAP is known (a
 * server out of reach, too slow, refused by the guard: lib/net/fetch-errors.ts);
 * the engine words each class for the asker and never reads messages. `host`
 * is the server's host name as the bootstrap or a link gave it.
 */

/**
 * All of one question's RDAP requests took longer than the question may
 * (RDAP_QUESTION_TIMEOUT_MS): the reason the question's signal aborts with,
 * so that the askers it stops are told why.
 */
export class RdapQuestionTimeoutError extends Error {
  override readonly name = 'RdapQuestionTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the question's RDAP requests took more than ${timeoutMs} ms`);
  }
}

/** 404: the registry holds no such object. */
export class RdapNotFoundError extends Error {
  override readonly name = 'RdapNotFoundError';
  constructor(readonly host: string) {
    super(`${host} has no such object (404)`);
  }
}

/** 429: the server limits our rate; `retryAfterSeconds` when it said. */
export class RdapRateLimitedError extends Error {
  override readonly name = 'RdapRateLimitedError';
  constructor(
    readonly host: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${host} limits the rate of questions (429)`);
  }
}

/** Any other status that is not 200: a server error (5xx) or a refusal (4xx). */
export class RdapStatusError extends Error {
  override readonly name = 'RdapStatusError';
  constructor(
    readonly host: string,
    readonly status: number,
  ) {
    super(`${host} answered with HTTP status ${status}`);
  }
}

/** The body is not JSON, or not an RDAP object of the kind asked for. */
export class RdapMalformedError extends Error {
  override readonly name = 'RdapMalformedError';
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`${host} sent no usable RDAP answer: ${reason}`);
  }
}

/** The bootstrap registries name no RDAP service (over https) for this TLD, range or AS number. */
export class NoRdapServiceError extends Error {
  override readonly name = 'NoRdapServiceError';
  constructor(
    /** What was looked for, as the asker reads it: `.xx`, `192.0.2.0/24`, `AS64500`. */
    readonly what: string,
    /** True when a service is listed, but only over plain http, which is not used. */
    readonly httpOnly = false,
  ) {
    super(`no RDAP service for ${what}${httpOnly ? ' over https' : ''}`);
  }
}

/** A bootstrap file that is not in the format of RFC 9224. */
export class BootstrapFormatError extends Error {
  override readonly name = 'BootstrapFormatError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
