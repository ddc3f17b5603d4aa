/**
 * Misskey's API errors, sorted into the bot's error classes (errors.ts).
 * Every endpoint answers a failure as `{"error": {message, code, id, kind,
 * info?}}` with an HTTP status (ApiCallService#send): 401 and 403 for the
 * token and its permissions, 429 with code RATE_LIMIT_EXCEEDED, 400 for a
 * refused request, where an over-long text is INVALID_PARAM about
 * `text/maxLength` (the endpoint's JSON schema), and 500 for the server's own
 * failures.
 */
import { AuthError, PostTooLongError, RateLimitedError, RequestRejectedError, StatusGoneError, TransientServerError } from '../errors.ts';

/** What a request is about, so that its errors can say so. */
export interface RequestContext {
  /** The note the request is about (the question answered): NO_SUCH_NOTE or NO_SUCH_REPLY_TARGET then mean it is gone. */
  readonly noteId?: string;
  /** A post: INVALID_PARAM about the text's length is a PostTooLongError. */
  readonly posting?: boolean;
}

interface MisskeyApiError {
  readonly message?: string;
  readonly code?: string;
  readonly info?: { readonly param?: string; readonly resetMs?: number };
}

/** The note is gone, or hidden from the bot (notes/create, notes/show, notes/replies). */
const GONE = new Set(['NO_SUCH_NOTE', 'NO_SUCH_REPLY_TARGET', 'CANNOT_REPLY_TO_AN_INVISIBLE_NOTE']);
const RATE_LIMITED = 'RATE_LIMIT_EXCEEDED';
const DEFAULT_RESET_MS = 60_000;

/** The error of an answer that is not 2xx; its body is read here, once. */
export async function errorOfResponse(response: Response, context: RequestContext): Promise<Error> {
  const body = await response.text().catch(() => '');
  const error = apiErrorOf(body);
  const { status } = response;
  const detail = error ? `${error.code ?? 'ERROR'}: ${error.message ?? ''}` : `HTTP ${status}`;
  if (status === 429 || error?.code === RATE_LIMITED) return new RateLimitedError(resetOf(response, error));
  // A proxy's error page is no Misskey error: a 5xx is worth trying again whoever sent it.
  if (status >= 500) return new TransientServerError(detail, status);
  if (status === 401 || status === 403) return new AuthError(status, detail);
  if (context.noteId !== undefined && (status === 404 || GONE.has(error?.code ?? ''))) return new StatusGoneError(context.noteId, status, detail);
  if (context.posting && error?.code === 'INVALID_PARAM' && /\/text\/maxLength$/.test(error.info?.param ?? '')) return new PostTooLongError(status, detail);
  return new RequestRejectedError(status, detail);
}

function apiErrorOf(body: string): MisskeyApiError | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'object' && parsed.error !== null ? (parsed.error as MisskeyApiError) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After (seconds, ApiCallService), else the error's `info.resetMs`, else a minute. */
function resetOf(response: Response, error: MisskeyApiError | undefined): Date {
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return new Date(Date.now() + retryAfter * 1000);
  const resetMs = error?.info?.resetMs;
  return new Date(Date.now() + (typeof resetMs === 'number' && resetMs >= 0 ? resetMs : DEFAULT_RESET_MS));
}
