/** The bot's structured log, read by fields: from a logger in this process, or from a process's output (one pino JSON line per event). */
import { pino } from 'pino';
import type { Logger } from '../../../lib/ops/logger.ts';

export type LogEvent = Record<string, unknown> & { readonly event?: string; readonly msg?: string };

/** The JSON lines of a process's output; other lines (a stack trace, a pretty log) are left out. */
export function logEvents(output: string): LogEvent[] {
  const events: LogEvent[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as LogEvent);
    } catch {
      // a line cut short, or not ours
    }
  }
  return events;
}

/** The events named `event` in a process's output, and among them those `where` accepts. */
export function eventsNamed(output: string, event: string, where: (e: LogEvent) => boolean = () => true): LogEvent[] {
  return logEvents(output).filter((e) => e.event === event && where(e));
}

/** A logger whose events are kept in memory, parsed, as they would be written. */
export function recordingLogger(): { logger: Logger; events: LogEvent[]; named(event: string): LogEvent[] } {
  const events: LogEvent[] = [];
  const logger = pino({ name: 'test', level: 'debug' }, { write: (line: string) => void events.push(JSON.parse(line) as LogEvent) });
  return { logger, events, named: (event) => events.filter((e) => e.event === event) };
}
