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
  /** The mentions of the window, oldest first from `head`, with running counts per account and instance. */
  private recent: { at: number; acct: string; domain: string }[] = [];
  private head = 0;
  private readonly accounts = new Map<string, number>();
  private readonly domains = new Map<string, number>();
  private busiestDomain = 0;
  private reportedAt = -Infinity;

  constructor(private readonly options: FloodWatchOptions) {}

  record(acct: string, now = Date.now()): void {
    const { windowMs, threshold, localDomain } = this.options;
    const account = acct.toLowerCase();
    const mention = { at: now, acct: account, domain: account.split('@')[1] ?? localDomain };
    this.recent.push(mention);
    add(this.accounts, mention.acct, 1);
    this.busiestDomain = Math.max(this.busiestDomain, add(this.domains, mention.domain, 1));
    this.forgetOlderThan(now - windowMs);
    const count = this.recent.length - this.head;
    if (now - this.reportedAt < windowMs || (count < threshold && this.busiestDomain < threshold / 2)) return;
    this.reportedAt = now;
    this.options.onFlood({ windowMs, total: count, accounts: sorted(this.accounts), domains: sorted(this.domains) });
  }

  private forgetOlderThan(cutoff: number): void {
    let forgot = false;
    while (this.head < this.recent.length && this.recent[this.head].at <= cutoff) {
      const old = this.recent[this.head++];
      add(this.accounts, old.acct, -1);
      add(this.domains, old.domain, -1);
      forgot = true;
    }
    // The busiest count only falls when something is forgotten; recounting then is cheap next to a window.
    if (forgot) this.busiestDomain = Math.max(0, ...this.domains.values());
    if (this.head > 1024 && this.head * 2 > this.recent.length) {
      this.recent = this.recent.slice(this.head);
      this.head = 0;
    }
  }
}

/** Adds `delta` to a count, dropping it at zero; returns the new count. */
function add(counts: Map<string, number>, key: string, delta: number): number {
  const count = (counts.get(key) ?? 0) + delta;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
  return count;
}

function sorted(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** How a flood is told in the log: `flood: 12 mentions in 60 s`. */
export function floodSummary(report: FloodReport): string {
  return `flood: ${report.total} mentions in ${report.windowMs / 1000} s`;
}

/**
 * The note to the operator about a flood: counts, the ten busiest accounts
 * and instances, and what the bot does about it. The names are raw here;
 * the sender makes them inert, so that none of them is notified.
 */
export function floodReportText(report: FloodReport): string {
  const list = (entries: readonly [string, number][]) =>
    entries
      .slice(0, 10)
      .map(([name, count]) => `${name} (${count})`)
      .join(', ');
  return (
    `⚠️ Flood: ${report.total} mentions in ${report.windowMs / 1000} s. Accounts: ${list(report.accounts)}. Instances: ${list(report.domains)}. ` +
    'I keep answering; askers over the rate limit get one notice, then silence.'
  );
}
