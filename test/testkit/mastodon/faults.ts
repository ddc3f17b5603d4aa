/**
 * Failures a test asks for: the next requests answered by a broken proxy
 * (nginx's 502 page), a crashing app server, or a throttle.
 */
import { jsonResponse, type PlainResponse } from './responses.ts';
import { throttledResponse } from './rate-limit.ts';

export type FailureKind = '502-html' | '429' | '500';

export interface RequestPattern {
  readonly method?: string;
  /** A pathname (exact) or a pattern tested against the pathname. */
  readonly path?: string | RegExp;
}

interface PlannedFailure {
  readonly kind: FailureKind;
  readonly pattern: RequestPattern | undefined;
  remaining: number;
}

/** What nginx answers when the app server behind it is down. */
const NGINX_502_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

/** A planned 429 resets a second later, like a window that is about to end. */
const THROTTLE_RESET_MS = 1000;

export function isRestApiPath(path: string): boolean {
  return path.startsWith('/api/') && !path.startsWith('/api/v1/streaming');
}

export class FaultPlan {
  readonly #failures: PlannedFailure[] = [];
  /** The server's 429 (flavours.ts: Akkoma and Sharkey send no X-RateLimit-* headers). */
  readonly #throttled: (limit: number, resetAt: number) => PlainResponse;

  constructor(throttled: (limit: number, resetAt: number) => PlainResponse = throttledResponse) {
    this.#throttled = throttled;
  }

  #stormRemaining = 0;
  #stormResetInMs = 0;

  /**
   * The next `count` requests matching `pattern` fail. Without a pattern
   * only REST API requests match; a pattern can also match the streaming
   * API's WebSocket upgrade.
   */
  failNext(count: number, kind: FailureKind, pattern?: RequestPattern): void {
    this.#failures.push({ kind, pattern, remaining: count });
  }

  /** The next `count` REST API requests are throttled, with a reset `resetInMs` ahead. */
  storm(count: number, resetInMs: number): void {
    this.#stormRemaining = count;
    this.#stormResetInMs = resetInMs;
  }

  /** The failure this request meets, if any; each one is used up once. */
  take(method: string, path: string, websocket: boolean, rateLimit: number): PlainResponse | undefined {
    const failure = this.#failures.find((f) => f.remaining > 0 && matches(f.pattern, method, path, websocket));
    if (failure) {
      failure.remaining -= 1;
      return failure.kind === '429' ? this.#throttled(rateLimit, Date.now() + THROTTLE_RESET_MS) : failureResponse(failure.kind, rateLimit);
    }
    if (this.#stormRemaining > 0 && !websocket && isRestApiPath(path)) {
      this.#stormRemaining -= 1;
      return this.#throttled(rateLimit, Date.now() + this.#stormResetInMs);
    }
    return undefined;
  }
}

function matches(pattern: RequestPattern | undefined, method: string, path: string, websocket: boolean): boolean {
  if (!pattern) return !websocket && isRestApiPath(path);
  if (pattern.method !== undefined && pattern.method.toUpperCase() !== method.toUpperCase()) return false;
  if (pattern.path === undefined) return true;
  return typeof pattern.path === 'string' ? pattern.path === path : pattern.path.test(path);
}

function failureResponse(kind: FailureKind, rateLimit: number): PlainResponse {
  switch (kind) {
    case '502-html':
      return { status: 502, headers: { 'Content-Type': 'text/html', Server: 'nginx' }, body: NGINX_502_PAGE };
    case '500':
      // Rails' PublicExceptions answer for a JSON request.
      return jsonResponse(500, { status: 500, error: 'Internal Server Error' });
    case '429':
      return throttledResponse(rateLimit, Date.now() + THROTTLE_RESET_MS);
  }
}
