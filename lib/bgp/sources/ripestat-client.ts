/**
 * RIPEstat's data API over HTTPS (https://stat.ripe.net/docs/data-api/),
 * through the guarded fetch every request to a server others run goes
 * through (lib/net/guarded-fetch.ts: https only, addresses checked, a size
 * cap, a time limit, redirects checked): retries on network errors, timeouts
 * and 5xx, the answer's `data` when its status is ok. What it answers is
 * untrusted data.
 */
import pRetry, { AbortError } from 'p-retry';
import { FetchRedirectError, FetchRefusedError, FetchTooLargeError } from '../../net/fetch-errors.ts';
import { guardedFetch, type GuardedFetch } from '../../net/guarded-fetch.ts';
import { refusedAddressRule } from '../../net/special-ranges.ts';
import { errorMessage } from '../../ops/error-fields.ts';

export interface RipeStatOptions {
  /** Default https://stat.ripe.net; tests point it at a loopback server. */
  readonly baseUrl?: string;
  /** One request, redirects included. */
  readonly timeoutMs: number;
  readonly retries?: number;
  /** True lets it reach addresses that are not globally routable: a lab's stand-in, a test's loopback server. */
  readonly allowPrivate?: boolean;
  /** Certificates to trust instead of Node's store: for tests in one process only (lib/net/guarded-fetch.ts). */
  readonly ca?: string;
}

/**
 * Why RIPEstat gave no data: not reached (or not in time), an HTTP status, an
 * answer without data, or refused by the guard (not https, an address that
 * may not be reached, an answer too large, bad redirects).
 */
export type RipeStatFailure =
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'no-data' }
  | { readonly kind: 'refused' };

/** RIPEstat answered with an error, or not at all. The message may quote RIPEstat's own words: for the log, not for an asker. */
export class RipeStatError extends Error {
  override readonly name = 'RipeStatError';
  constructor(
    readonly endpoint: string,
    readonly failure: RipeStatFailure,
    detail: string,
  ) {
    super(`${endpoint}: ${detail}`);
  }
}

// RIPEstat asks API users to name themselves with `sourceapp`.
const SOURCE_APP = 'fedidig';
/** The data calls used answer in a few kB. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** stat.ripe.net answers where it is asked; a redirect or two is a move, more a loop. */
const MAX_REDIRECTS = 3;

export class RipeStatClient {
  readonly baseUrl: string;
  private readonly fetch: GuardedFetch;

  constructor(private readonly options: RipeStatOptions) {
    this.baseUrl = options.baseUrl ?? 'https://stat.ripe.net';
    this.fetch = guardedFetch({
      refuseAddress: refusedAddressRule(options.allowPrivate ?? false),
      timeoutMs: options.timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
      maxRedirects: MAX_REDIRECTS,
      accept: 'application/json',
      ...(options.ca !== undefined && { ca: options.ca }),
    });
  }

  /** The host answering, e.g. `stat.ripe.net`, for the answers' source lines. */
  get host(): string {
    return new URL(this.baseUrl).host;
  }

  /** The `data` of the data call `endpoint` with these parameters; rejects with RipeStatError. */
  call<T>(endpoint: string, parameters: Readonly<Record<string, string>>): Promise<T> {
    const url = new URL(`/data/${endpoint}/data.json`, this.baseUrl);
    url.search = new URLSearchParams({ ...parameters, sourceapp: SOURCE_APP }).toString();
    return pRetry(
      async () => {
        const { status, body: bytes } = await this.fetch(url.href).catch((error: unknown) => {
          throw fetchFailure(endpoint, error);
        });
        if (status >= 500) throw new RipeStatError(endpoint, { kind: 'status', status }, `HTTP ${status}`);
        const body = jsonOf(bytes) as { status?: string; data?: T; messages?: [string, string][] } | undefined;
        const ok = status >= 200 && status < 300;
        if (!ok || body?.status !== 'ok' || !body.data) {
          const message = body?.messages?.map((m) => m[1]).join('; ') || `HTTP ${status}`;
          const failure: RipeStatFailure = ok ? { kind: 'no-data' } : { kind: 'status', status };
          throw new AbortError(new RipeStatError(endpoint, failure, message));
        }
        return body.data;
      },
      { retries: this.options.retries ?? 2, minTimeout: 300 },
    );
  }
}

/** The guard's failure as RIPEstat's: what it refused is not asked again; out of reach or out of time is. */
function fetchFailure(endpoint: string, error: unknown): Error {
  if (error instanceof FetchRefusedError || error instanceof FetchRedirectError || error instanceof FetchTooLargeError)
    return new AbortError(new RipeStatError(endpoint, { kind: 'refused' }, error.message));
  return new RipeStatError(endpoint, { kind: 'unreachable' }, errorMessage(error));
}

function jsonOf(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
