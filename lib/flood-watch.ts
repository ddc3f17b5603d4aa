/**
 * Notices a flood — far more mentions in a short window than the bot should
 * see, from many askers or from one instance — and reports it at most once
 * per window, so the operator hears about it without being flooded too.
 */
export interface FloodReport {
  readonly windowMs: number;
  readonly total: number;
  /** Askers and instances with their counts, most active first. */
  readonly accounts: readonly [string, number][];
  readonly domains: readonly [string, number][];
}

export interface FloodWatchOptions {
  readonly windowMs: number;
  /** Mentions in one window that make a flood; one instance alone at half of it does too. */
  readonly threshold: number;
  /** The domain of local accounts, which have none in their acct. */
  readonly localDomain: string;
  readonly onFlood: (report: FloodReport) => void;
}

export class FloodWatch {
  private recent: { at: number; acct: string; domain: string }[] = [];
  private reportedAt = -Infinity;

  constructor(private readonly options: FloodWatchOptions) {}

  record(acct: string, now = Date.now()): void {
    const { windowMs, threshold, localDomain } = this.options;
    const account = acct.toLowerCase();
    this.recent.push({ at: now, acct: account, domain: account.split('@')[1] ?? localDomain });
    this.recent = this.recent.filter((m) => now - m.at < windowMs);
    if (now - this.reportedAt < windowMs) return;
    const domains = countBy(this.recent.map((m) => m.domain));
    const busiestDomain = domains[0]?.[1] ?? 0;
    if (this.recent.length < threshold && busiestDomain < threshold / 2) return;
    this.reportedAt = now;
    this.options.onFlood({ windowMs, total: this.recent.length, accounts: countBy(this.recent.map((m) => m.acct)), domains });
  }
}

function countBy(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}
