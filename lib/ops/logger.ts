import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * One JSON line per event (pino), which pm2 keeps in its log files and log
 * tools can read; LOG_FORMAT=pretty prints the same events readably for a
 * terminal. Secrets never reach the log: fields that could hold the token are
 * redacted, and the configuration is never logged whole.
 *
 * Each part of the worker logs through a child logger (`component`), each
 * line with an `event` name and its fields besides the human `msg`; tools
 * should read the fields, not the sentences:
 * - sign-in: `sign-in-failed` (step, attempt, retriesLeft, error, errorType), `sign-in-gave-up`, `instance-fact`,
 *   `signed-in` (account, software, markup, maxCharacters, mode: streaming | polling), `rate-limited` (waitMs);
 * - listener: `stream-connected`, `stream-closed` (silentMs), `listener-retry` (error, errorType, waitMs),
 *   `catch-up` (listed, queued, reachedWatermark or firstStart), `catch-up-failed`;
 * - mentions: `mention-answered` (parts, question where LOG_QUERIES allows, queueMs, dnsMs, postMs),
 *   `mention-skipped` (reason), `mention-refused` and `mention-failed` (error, errorType); each with mention,
 *   asker, visibility, queueMs and `outcome` (answered, skipped, refused, failed);
 * - flood-watch: `flood` (the report), `flood-report-failed`; block-list: `block-list-loaded` (accounts,
 *   instances), `block-list-error`; engine: `bgp-table-loaded` (ipv4Prefixes, ipv6Prefixes), `bgp-table-error` (error, errorType), `bgp-as-names-loaded` (asNames), `bgp-as-names-error`,
 *   `bgp-as-names-snapshot-loaded` and `-error` (as the table's),
 *   `bgp-snapshot-loaded` (ipv4Prefixes, ipv6Prefixes, ms), `bgp-snapshot-error` (error, errorType: SnapshotError for one
 *   ignored: another format version or table file, cut short or corrupt; else a snapshot not read or written),
 *   `rpki-vrps-loaded` (ipv4Vrps, ipv6Vrps), `rpki-vrps-error` (error, errorType), `rpki-snapshot-loaded` (ipv4Vrps, ipv6Vrps, ms),
 *   `rpki-snapshot-error` (error, errorType, as for the table's), `rdap-bootstrap-refreshed` (publication),
 *   `rdap-bootstrap-error` (error, errorType: a refresh failed, the copy in STATE_DIR was ignored, or an operator's file not reloaded),
 *   `rdap-bootstrap-loaded` (file, entries), `rdap-bootstrap-snapshot-loaded` and `-error`, as the table's, each with file; http-twin:
 *   `http-twin-error` (method, url, error, errorType, stack);
 * - bot: `stopping`, `stop-grace-over`, `reloaded` (changed), `reload-failed`; the worker: `api-chosen` (api: mastodon |
 *   misskey, reason), `api-choice-failed` (error, errorType), `http-twin-listening`, `stopped`;
 * - watch: `watch-change-pending` (watch, key), `watch-posted` (watch, key, reply, ends), `watch-ended` (watch, reason),
 *   `watch-lease-lost`, `watch-bgp-reloaded` (spreadMs), `watch-check-failed` and `watch-tick-failed` (error, errorType);
 * - the supervisor (name `supervisor`): `worker-started` (worker: its pid), `worker-exited` (exit, ranMs, respawnInMs,
 *   or stopping), `worker-silent` (silentMs, limitMs), `worker-replaced`, `worker-killed`, `worker-setup-error`,
 *   `reload-requested`, `stopping` (signal).
 */
export function createLogger(name: string, format = process.env.LOG_FORMAT, destination: 1 | 2 = 1): Logger {
  const options = { name, base: { pid: process.pid }, redact: ['token', 'accessToken', '*.token', '*.accessToken', 'headers.authorization'] };
  const tty = (destination === 1 ? process.stdout : process.stderr).isTTY;
  if (format === 'pretty')
    return pino(options, pretty({ sync: true, destination, colorize: Boolean(tty), translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' }));
  return pino(options, pino.destination({ dest: destination, sync: true }));
}

/** A logger that writes nothing, for tests and tools that do not want the events. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
