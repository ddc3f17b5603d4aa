/** An API error answered as Mastodon does: a status code and `{"error": "…"}` (plus any `details` a server adds). */
import { jsonResponse, type PlainResponse } from './responses.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** More fields of the error body, e.g. Sharkey's `error_description`. */
  readonly details: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Record<string, string> = {}, details: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.headers = headers;
    this.details = details;
  }

  toResponse(): PlainResponse {
    return jsonResponse(this.status, { error: this.message, ...this.details }, { ...this.headers });
  }
}
