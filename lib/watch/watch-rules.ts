/**
 * When an observed state is told as a change, and when a watch is checked
 * again. Pure functions of the stored progress, the observation and the time,
 * so that every replica decides alike and the tests need no clock.
 */

/** What a watch has seen so far, as stored. States are their keys (watch-state.ts). */
export interface WatchProgress {
  /** The state last told (or the first one seen): changes are measured against it. */
  readonly reported?: string;
  /** A state that differs from `reported`, seen `candidateChecks` checks in a row. */
  readonly candidate?: string;
  readonly candidateChecks: number;
  /** The UTC day (YYYY-MM-DD) `changesToday` counts. */
  readonly day?: string;
  readonly changesToday: number;
}

export interface ChangeRules {
  /** Checks in a row a new state must hold before it is told: 2, so that a rotating answer does not flood. */
  readonly holdChecks: number;
  /** Changes told per watch and UTC day; the one after says the watch is muted until the next day. */
  readonly dailyChanges: number;
}

export interface Verdict {
  readonly progress: WatchProgress;
  /** `change`: tell it; `muted`: tell it and that the watch is silent until the next UTC day. */
  readonly tell?: 'change' | 'muted';
  /** The state the change is measured from. */
  readonly before?: string;
}

export const noProgress: WatchProgress = { candidateChecks: 0, changesToday: 0 };

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** What one check's observed state means for a watch. */
export function judge(progress: WatchProgress, observed: string, nowMs: number, rules: ChangeRules): Verdict {
  if (progress.reported === undefined) return { progress: { ...progress, reported: observed, candidate: undefined, candidateChecks: 0 } };
  if (observed === progress.reported) return { progress: { ...progress, candidate: undefined, candidateChecks: 0 } };
  const checks = observed === progress.candidate ? progress.candidateChecks + 1 : 1;
  if (checks < rules.holdChecks) return { progress: { ...progress, candidate: observed, candidateChecks: checks } };
  const day = utcDay(nowMs);
  const changesToday = (progress.day === day ? progress.changesToday : 0) + 1;
  const next: WatchProgress = { reported: observed, candidate: undefined, candidateChecks: 0, day, changesToday };
  if (changesToday <= rules.dailyChanges) return { progress: next, tell: 'change', before: progress.reported };
  if (changesToday === rules.dailyChanges + 1) return { progress: next, tell: 'muted', before: progress.reported };
  return { progress: next };
}

/**
 * How long until the next check: a DNS watch never before the answer's TTL runs out, nor before
 * `minIntervalMs`; a BGP watch after `bgpIntervalMs` (and after each reload besides).
 */
export function checkDelay(
  kind: 'dns' | 'bgp',
  ttlSeconds: number | undefined,
  intervals: { readonly minIntervalMs: number; readonly bgpIntervalMs: number },
  random: number,
): number {
  return spread(kind === 'dns' ? Math.max(intervals.minIntervalMs, (ttlSeconds ?? 0) * 1000) : intervals.bgpIntervalMs, random);
}

/** Up to a tenth later than `ms` (random in [0, 1)), so that watches made together drift apart instead of firing together. */
function spread(ms: number, random: number): number {
  return Math.round(ms * (1 + random / 10));
}
