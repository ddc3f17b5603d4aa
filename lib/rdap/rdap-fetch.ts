/**
 * The one way RDAP reaches the network: a GET of JSON through the guarded
 * fetch (lib/net/guarded-fetch.ts: https only, addresses checked, a size cap,
 * a time limit, redirects checked), as the URLs come from the bootstrap
 * registries and from the links in registries' answers, which anyone who runs
 * a registry or a registrar writes. What a status means for RDAP is said here.
 */
import { guardedFetch, type GuardedFetchOptions, type HttpAnswer } from '../net/guarded-fetch.ts';
import { RdapMalformedError, RdapNotFoundError, RdapRateLimitedError, RdapStatusError } from './errors.ts';

/** A JSON answer with status 200, and the URL that gave it after redirects. */
export interface JsonAnswer {
  readonly url: string;
  readonly json: unknown;
}

/**
 * GETs `url` and parses its JSON body; rejects with the named errors of
 * errors.ts and of lib/net/fetch-errors.ts (a `url` that is no URL, as a
 * registry's link can be: FetchRefusedError), or with `signal`'s reason once
 * it aborts. The answer's `url` is always one that parses.
 */
export type JsonFetch = (url: string, signal?: AbortSignal) => Promise<JsonAnswer>;

const RDAP_MEDIA_TYPES = 'application/rdap+json, application/json;q=0.9';

export function rdapFetch(options: Omit<GuardedFetchOptions, 'accept'>): JsonFetch {
  const get = guardedFetch({ ...options, accept: RDAP_MEDIA_TYPES });
  return async (url, signal) => {
    const answer = await get(url, signal);
    return { url: answer.url, json: answerJson(answer) };
  };
}

function answerJson(answer: HttpAnswer): unknown {
  const host = new URL(answer.url).hostname;
  if (answer.status === 404) throw new RdapNotFoundError(host);
  if (answer.status === 429) {
    const seconds = Number(answer.retryAfter);
    throw new RdapRateLimitedError(host, Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined);
  }
  if (answer.status !== 200) throw new RdapStatusError(host, answer.status);
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw new RdapMalformedError(host, 'not JSON');
  }
}
