/**
 * Rack::Attack's fixed-window throttle as Mastodon configures it
 * (config/initializers/rack_attack.rb) and the X-RateLimit-* headers that
 * RateLimitHeaders puts on every API response. The reset time is an
 * ISO 8601 timestamp with microseconds (`iso8601(6)`), and a throttled
 * request gets 429 `{"error":"Too many requests"}` without Retry-After.
 */
import { errorResponse, type PlainResponse } from './responses.ts';

export interface RateLimitOptions {
  /** false: no X-RateLimit-* headers on answers (Akkoma, Sharkey, Hollo). */
  readonly headers?: boolean;
  /** The 429 answer; default Mastodon's. */
  readonly throttled?: (limit: number, resetAt: number) => PlainResponse;
  /** Requests allowed per window and token (Mastodon: 300). */
  readonly limit: number;
  /** Window length (Mastodon: 5 minutes); windows are aligned to the epoch as in Rack::Attack. */
  readonly windowMs: number;
}

export type RateLimitVerdict =
  | { readonly limited: false; readonly headers: Record<string, string> }
  | { readonly limited: true; readonly response: PlainResponse };

export class RateLimiter {
  readonly #options: RateLimitOptions;
  readonly #counts = new Map<string, { window: number; count: number }>();

  constructor(options: RateLimitOptions) {
    this.#options = options;
  }

  get limit(): number {
    return this.#options.limit;
  }

  /** Counts one request of `key` (a token, or the client address when unauthenticated). */
  hit(key: string, now: number): RateLimitVerdict {
    const { limit, windowMs } = this.#options;
    const window = Math.floor(now / windowMs);
    const entry = this.#counts.get(key);
    const count = entry?.window === window ? entry.count + 1 : 1;
    this.#counts.set(key, { window, count });
    const resetAt = (window + 1) * windowMs;
    if (count > limit) return { limited: true, response: (this.#options.throttled ?? throttledResponse)(limit, resetAt) };
    return { limited: false, headers: this.#options.headers === false ? {} : rateLimitHeaders(limit, limit - count, resetAt) };
  }
}

export function throttledResponse(limit: number, resetAt: number): PlainResponse {
  return errorResponse(429, 'Too many requests', rateLimitHeaders(limit, 0, resetAt));
}

function rateLimitHeaders(limit: number, remaining: number, resetAt: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': isoWithMicroseconds(resetAt),
  };
}

/** Ruby's `Time#iso8601(6)`: `2024-05-01T12:00:00.000000Z`. */
export function isoWithMicroseconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/Z$/, '000Z');
}
