/** LOG_QUERIES: whose question texts may be written to the log. `help` tells the askers which (lib/engine). */
export type LogQueries = 'all' | 'public-only' | 'none';

/**
 * The text of a private or direct question stays out of the logs unless the
 * operator chose `all`; `none` keeps every text out. An unknown visibility
 * counts as private.
 */
export function mayLogQuestion(logQueries: LogQueries, visibility: string): boolean {
  if (logQueries === 'all') return true;
  return logQueries === 'public-only' && (visibility === 'public' || visibility === 'unlisted');
}
