import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * One JSON line per event (pino), which pm2 keeps in its log files and log
 * tools can read; LOG_FORMAT=pretty prints the same events readably for a
 * terminal. Secrets never reach the log: fields that could hold the token are
 * redacted, and the configuration is never logged whole.
 */
export function createLogger(name: string, format = process.env.LOG_FORMAT): Logger {
  const options = { name, base: { pid: process.pid }, redact: ['token', 'accessToken', '*.token', '*.accessToken', 'headers.authorization'] };
  if (format === 'pretty')
    return pino(options, pretty({ sync: true, colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' }));
  return pino(options);
}

/** A logger that writes nothing, for tests and tools that do not want the events. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * For a module that reports in sentences (`log: (message) => void`): each
 * sentence becomes the `msg` of an event named `event`.
 */
export function messageLog(logger: Logger, event: string, level: 'info' | 'warn' | 'error' = 'info'): (message: string) => void {
  return (message) => logger[level]({ event }, message);
}
