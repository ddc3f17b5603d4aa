/**
 * At most `count` questions per asker in a sliding window. The first question
 * over the limit gets one short notice; the next ones get silence until the
 * window has room again.
 */
export type RateDecision = 'answer' | 'notice' | 'silence';

export class AskerRateLimit {
  private readonly asked = new Map<string, number[]>();
  private readonly noticed = new Set<string>();

  constructor(private readonly count: number, readonly windowMs: number) {}

  decide(asker: string, now = Date.now()): RateDecision {
    const recent = (this.asked.get(asker) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length < this.count) {
      recent.push(now);
      this.asked.set(asker, recent);
      this.noticed.delete(asker);
      return 'answer';
    }
    this.asked.set(asker, recent);
    if (this.noticed.has(asker)) return 'silence';
    this.noticed.add(asker);
    return 'notice';
  }

  /** Seconds until `asker` may ask again. */
  retryAfterSeconds(asker: string, now = Date.now()): number {
    const oldest = (this.asked.get(asker) ?? [])[0] ?? now;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }
}
