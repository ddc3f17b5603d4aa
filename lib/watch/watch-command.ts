/**
 * The three things said to the bot about watches, read from a mention's text
 * before it is taken for a question: `watch QUESTION [for N days]`,
 * `unwatch [QUESTION]` and `watches`. The watched question itself is the
 * engine's to read. Pure.
 */
export type WatchCommand =
  | { readonly kind: 'watch'; readonly question: string; readonly lifetimeDays?: number }
  | { readonly kind: 'unwatch'; readonly question?: string }
  | { readonly kind: 'watches' };

const DAY_MS = 86_400_000;

export function readWatchCommand(text: string): WatchCommand | undefined {
  const words = text.trim().split(/\s+/u);
  const first = words[0]?.replace(/[.!?:,]+$/, '').toLowerCase();
  const rest = words.slice(1).join(' ');
  if (first === 'watches' && !rest) return { kind: 'watches' };
  if (first === 'unwatch') return rest ? { kind: 'unwatch', question: rest } : { kind: 'unwatch' };
  if (first !== 'watch' || !rest) return undefined;
  const lifetime = /\s+for\s+(\d{1,3})\s*(d|days?)$/i.exec(rest);
  return lifetime ? { kind: 'watch', question: rest.slice(0, lifetime.index), lifetimeDays: Number(lifetime[1]) } : { kind: 'watch', question: rest };
}

/** A lifetime asked for, in days, within 1 and `maxDays`; the default when none was asked. */
export function lifetimeMs(asked: number | undefined, defaultDays: number, maxDays: number): number {
  return Math.min(Math.max(asked ?? defaultDays, 1), maxDays) * DAY_MS;
}
