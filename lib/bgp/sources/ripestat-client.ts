/**
 * RIPEstat's data API over HTTPS (https://stat.ripe.net/docs/data-api/): a
 * timeout on every request, retries on network errors and 5xx, the answer's
 * `data` when its status is ok. What it answers is untrusted data.
 */
import pRetry, { AbortError } from 'p-retry';
import { errorMessage } from '../../ops/error-fields.ts';

export interface RipeStatOptions {
  /** Default https://stat.ripe.net; tests point it at a loopback server. */
  readonly baseUrl?: string;
  readonly timeoutMs: number;
  readonly retries?: number;
}

/** Why RIPEstat gave no data: not reached (or not in time), an HTTP status, or an answer without data. */
export type RipeStatFailure = { readonly kind: 'unreachable' } | { readonly kind: 'status'; readonly status: number } | { readonly kind: 'no-data' };

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

export class RipeStatClient {
  readonly baseUrl: string;

  constructor(private readonly options: RipeStatOptions) {
    this.baseUrl = options.baseUrl ?? 'https://stat.ripe.net';
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
        let response: Response;
        try {
          response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs), headers: { accept: 'application/json' } });
        } catch (error) {
          throw new RipeStatError(endpoint, { kind: 'unreachable' }, errorMessage(error));
        }
        if (response.status >= 500) throw new RipeStatError(endpoint, { kind: 'status', status: response.status }, `HTTP ${response.status}`);
        const body = (await response.json().catch(() => undefined)) as { status?: string; data?: T; messages?: [string, string][] } | undefined;
        if (!response.ok || body?.status !== 'ok' || !body.data) {
          const message = body?.messages?.map((m) => m[1]).join('; ') || `HTTP ${response.status}`;
          const failure: RipeStatFailure = response.ok ? { kind: 'no-data' } : { kind: 'status', status: response.status };
          throw new AbortError(new RipeStatError(endpoint, failure, message));
        }
        return body.data;
      },
      { retries: this.options.retries ?? 2, minTimeout: 300 },
    );
  }
}
