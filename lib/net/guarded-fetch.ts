/**
 * The one way the bot fetches from servers that others run or name (RDAP's
 * registries and the links in their answers, RIPEstat): a GET over https,
 * with every guard in one place. Certificates are checked against Node's
 * store (NODE_EXTRA_CA_CERTS extends it), each host's addresses are checked
 * before a connection and the connection made to exactly those addresses (no
 * second resolution for a rebinding name to change), with a size cap, a time
 * limit, and few redirects, each checked as the first URL was. What the
 * status and the body mean is the caller's protocol's to say.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { errorMessage } from '../ops/error-fields.ts';
import { FetchRedirectError, FetchRefusedError, FetchTimeoutError, FetchTooLargeError, FetchUnreachableError } from './fetch-errors.ts';
import { parseIpAddress, type IpAddress } from './ip-address.ts';

export interface GuardedFetchOptions {
  /** Why nothing may be sent to this address, or undefined when it may (the +trace guard's rule, or none in a lab). */
  readonly refuseAddress: (address: IpAddress) => string | undefined;
  /** One request, redirects included. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** The Accept header: the media types the protocol answers with. */
  readonly accept: string;
  /**
   * Certificates to trust instead of Node's store. Only for tests in one
   * process, which cannot set NODE_EXTRA_CA_CERTS for themselves; the bot and
   * its child-process tests leave it unset.
   */
  readonly ca?: string;
}

/** The answer after redirects: any status but a redirect's, and the body (within the cap). */
export interface HttpAnswer {
  /** The URL that answered. */
  readonly url: string;
  readonly status: number;
  /** The Retry-After header, as sent. */
  readonly retryAfter?: string;
  readonly body: Buffer;
}

/**
 * GETs `url`; rejects with the named errors of fetch-errors.ts, or with
 * `signal`'s reason once it aborts, as a fetch with that signal would.
 */
export type GuardedFetch = (url: string, signal?: AbortSignal) => Promise<HttpAnswer>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** What is kept of an error status's body: enough for a message, never a page's worth. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export function guardedFetch(options: GuardedFetchOptions): GuardedFetch {
  return async (start, signal) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    let url = start;
    for (let hop = 0; ; hop++) {
      const target = checkedUrl(url, options.refuseAddress);
      const response = await get(target, options, combined).catch((error: unknown) => {
        if (signal?.aborted) throw signal.reason;
        throw requestError(error, target.hostname, options.timeoutMs, deadline);
      });
      const { status, location, retryAfter, body } = response;
      if (!REDIRECTS.has(status)) return { url: target.href, status, retryAfter, body };
      if (hop >= options.maxRedirects) throw new FetchRedirectError(target.hostname, `more than ${options.maxRedirects} redirects`);
      url = redirectTarget(location, target);
    }
  };
}

/**
 * The URL parsed, if it is https with a host whose literal address (if it is
 * one) may be reached; else FetchRefusedError. Exported for the stand-ins
 * that tests put in the guard's place, so that they refuse what it refuses.
 */
export function checkedUrl(text: string, refuseAddress: GuardedFetchOptions['refuseAddress']): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FetchRefusedError(text.slice(0, 200), 'not a URL');
  }
  if (url.protocol !== 'https:') throw new FetchRefusedError(url.href, 'only https is used');
  if (url.username || url.password) throw new FetchRefusedError(url.href, 'a URL with credentials');
  const literal = parseIpAddress(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  const refusal = literal && refuseAddress(literal);
  if (refusal) throw new FetchRefusedError(url.href, `${url.hostname} is ${refusal}`);
  return url;
}

interface RawResponse {
  readonly status: number;
  readonly location?: string;
  readonly retryAfter?: string;
  readonly body: Buffer;
}

function get(url: URL, options: GuardedFetchOptions, signal: AbortSignal): Promise<RawResponse> {
  const requestOptions: RequestOptions = {
    method: 'GET',
    headers: { accept: options.accept, 'user-agent': 'fedidig (a fediverse looking glass)' },
    lookup: vettedLookup(options.refuseAddress),
    signal,
    // A fresh connection each time: a kept-alive socket was vetted for another request's host.
    agent: false,
    ...(options.ca !== undefined && { ca: options.ca }),
  };
  return new Promise((resolve, reject) => {
    const req = request(url, requestOptions, (response) => {
      const status = response.statusCode ?? 0;
      const location = header(response, 'location');
      const retryAfter = header(response, 'retry-after');
      // A redirect's body is drained and dropped.
      if (REDIRECTS.has(status)) {
        response.resume();
        response.once('end', () => resolve({ status, location, body: Buffer.alloc(0) }));
        return;
      }
      // A success's body is the answer, and more than the cap of it is refused. An error's body
      // (a registry's 404 page, a busy server's 503) only adds to its status: what fits under a
      // smaller cap is kept and the rest not read, so that its size never hides the status.
      const success = status >= 200 && status < 300;
      if (success && Number(response.headers['content-length']) > options.maxBytes) {
        req.destroy(new FetchTooLargeError(url.hostname, options.maxBytes));
        return;
      }
      const cap = success ? options.maxBytes : Math.min(options.maxBytes, MAX_ERROR_BODY_BYTES);
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge: FetchTooLargeError | undefined;
      let truncated = false;
      const answer = () => resolve({ status, retryAfter, body: Buffer.concat(chunks) });
      response.on('data', (chunk: Buffer) => {
        if (tooLarge || truncated) return;
        if (size + chunk.length <= cap) {
          size += chunk.length;
          chunks.push(chunk);
        } else if (success) {
          tooLarge = new FetchTooLargeError(url.hostname, options.maxBytes);
          req.destroy(tooLarge);
        } else {
          chunks.push(chunk.subarray(0, cap - size));
          truncated = true;
          answer();
          // The connection is this request's alone (agent: false): closing it is all the rest needs.
          req.destroy();
        }
      });
      // The chunk past the cap may also be the last: the message ends before the destroy is seen.
      response.once('end', () => (tooLarge ? reject(tooLarge) : answer()));
      response.on('error', reject);
    });
    // Not once: a request destroyed after its answer may still report the closed connection.
    req.on('error', reject);
    req.end();
  });
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every address a host name resolved to may not be reached: raised in the lookup, so that no connection is opened. */
class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

/**
 * The lookup the connection uses: the host's addresses from the system
 * resolver, less those that may not be reached; none left is a refusal.
 */

function vettedLookup(refuseAddress: GuardedFetchOptions['refuseAddress']): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { all: true, family: lookupOptions.family ?? 0 }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refusals: string[] = [];
      const allowed = addresses.filter(({ address }) => {
        const reason = refuseAddress(parseIpAddress(address)!);
        if (reason) refusals.push(`${address} is ${reason}`);
        return !reason;
      });
      if (allowed.length === 0) {
        const why = refusals.length ? refusals.join('; ') : 'no address';
        return callback(new AddressRefusedError(why), '', 0);
      }
      if (lookupOptions.all) return callback(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/** What a failed request means: our own guard's refusal, the time limit, or a server out of reach. */
function requestError(error: unknown, host: string, timeoutMs: number, deadline: AbortSignal): Error {
  if (error instanceof FetchTooLargeError) return error;
  if (error instanceof AddressRefusedError) return new FetchRefusedError(`https://${host}/`, error.message);
  if (deadline.aborted) return new FetchTimeoutError(host, timeoutMs);
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return new FetchUnreachableError(host, code ?? errorMessage(error));
}

function redirectTarget(location: string | undefined, from: URL): string {
  if (!location) throw new FetchRedirectError(from.hostname, 'a redirect without a Location');
  try {
    return new URL(location, from).href;
  } catch {
    throw new FetchRedirectError(from.hostname, 'a redirect to something that is not a URL');
  }
}
