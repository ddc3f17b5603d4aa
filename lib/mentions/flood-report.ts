import type { Fediverse } from '../fediverse/fediverse.ts';
import { withServerRetries } from '../fediverse/server-retry.ts';
import { floodReportText, floodSummary, type FloodReport } from '../policy/flood-watch.ts';
import type { Logger } from '../ops/logger.ts';
import { errorFields } from '../ops/error-fields.ts';
import { markupWriter, type ReplyMarkup } from '../reply/markup.ts';
import { neutraliseText } from '../reply/safe-text.ts';

export interface FloodReporterOptions {
  readonly fediverse: Pick<Fediverse, 'postReply'>;
  /** ADMIN_ACCT, told by direct message; without one the flood is only logged. */
  readonly adminAcct?: string;
  readonly markup: ReplyMarkup;
  /** The `flood` event goes to its child `{ component: 'flood-watch' }`. */
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Retries of the DM on network errors and 5xx (default 6, with backoff). */
  readonly retries?: number;
}

/**
 * Tells about a flood: a `flood` event in the log, and a direct message to
 * the operator, where there is one. The accounts are named as inert text, so
 * none of them is notified. A DM that cannot be sent is logged
 * (`flood-report-failed`); it never throws.
 */
export function floodReporter(options: FloodReporterOptions): (report: FloodReport) => Promise<void> {
  const log = options.logger.child({ component: 'flood-watch' });
  return async (report) => {
    log.warn({ event: 'flood', flood: report }, floodSummary(report));
    if (!options.adminAcct) return;
    const text = `@${options.adminAcct} ${markupWriter(options.markup).line(neutraliseText(floodReportText(report)))}`;
    // One key for every retry of this report: a 5xx that hid a posted DM must not post it twice.
    const idempotencyKey = `fedidig-flood-${Date.now()}`;
    const post = () => options.fediverse.postReply({ text, visibility: 'direct', markup: options.markup, idempotencyKey });
    await withServerRetries(post, {
      signal: options.signal,
      retries: options.retries,
      onWait: (reason, ms) => log.info({ event: 'rate-limited', waitMs: ms }, `${reason}, waiting ${ms} ms`),
    }).catch((error: unknown) => log.warn({ event: 'flood-report-failed', ...errorFields(error) }, 'could not tell the operator about the flood'));
  };
}
