/**
 * The supervisor's output — its own log and its workers', one pino JSON line
 * per event — read as it comes, by the events' fields (lib/ops/logger.ts
 * lists them, the supervisor's too).
 */
import type { BotProcess } from '../../test/testkit/bot/bot-process.ts';

export interface WorkerEvent {
  readonly pid: number;
  readonly at: number;
}

/** What became of one mention: a `mention-answered`, `-skipped`, `-refused` or `-failed` event (lib/mentions/outcome.ts). */
export interface MentionEvent {
  readonly mention: string;
  readonly outcome: 'answered' | 'skipped' | 'refused' | 'failed';
  readonly queueMs?: number;
  readonly dnsMs?: number;
  readonly postMs?: number;
  readonly parts?: number;
  readonly reason?: string;
  readonly error?: string;
}

const MENTION_OUTCOMES = new Map<string, MentionEvent['outcome']>([
  ['mention-answered', 'answered'],
  ['mention-skipped', 'skipped'],
  ['mention-refused', 'refused'],
  ['mention-failed', 'failed'],
]);

/** A mention event's fields, those of the wrong type left out. */
function mentionEvent(outcome: MentionEvent['outcome'], fields: Readonly<Record<string, unknown>>): MentionEvent {
  const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    mention: String(fields.mention),
    outcome,
    queueMs: number(fields.queueMs),
    dnsMs: number(fields.dnsMs),
    postMs: number(fields.postMs),
    parts: number(fields.parts),
    reason: text(fields.reason),
    error: text(fields.error),
  };
}

export class BotLog {
  /** The supervisor's `worker-started` events. */
  readonly workers: WorkerEvent[] = [];
  /** `stream-connected`, by worker. */
  readonly connected: WorkerEvent[] = [];
  /** The supervisor's `worker-silent` events: a worker replaced for silence. */
  readonly replacing: WorkerEvent[] = [];
  /** `listener-retry`: the listener waits to reconnect after a stream drop or a failed request. */
  readonly reconnects: (WorkerEvent & { waitMs: number; reason: string })[] = [];
  readonly mentions: MentionEvent[] = [];
  /** `flood`, when each was told. */
  readonly floods: number[] = [];
  /** Every line that is not about one mention (starts, drops, replacements…), to explain a failure. */
  readonly lifecycle: string[] = [];
  /** The last lines, shown when something fails. */
  readonly tail: string[] = [];

  constructor(bot: BotProcess) {
    for (const stream of [bot.child.stdout!, bot.child.stderr!]) {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop()!;
        for (const line of lines) this.#line(line);
      });
    }
  }

  #line(text: string): void {
    this.tail.push(text);
    if (this.tail.length > 40) this.tail.shift();
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const event = typeof fields.event === 'string' ? fields.event : undefined;
    const msg = String(fields.msg ?? '');
    const at = Number(fields.time);
    const pid = Number(fields.pid);
    const outcome = event === undefined ? undefined : MENTION_OUTCOMES.get(event);
    if (outcome) {
      this.mentions.push(mentionEvent(outcome, fields));
      return;
    }
    if (this.lifecycle.length < 5000) {
      this.lifecycle.push(
        `${new Date(at).toISOString().slice(11, 23)} ${String(fields.name ?? '?')} ${String(fields.pid ?? '?')}: ${event ? `[${event}] ` : ''}${msg}`,
      );
    }
    if (event === 'listener-retry') this.reconnects.push({ pid, at, waitMs: Number(fields.waitMs), reason: String(fields.error) });
    else if (event === 'stream-connected') this.connected.push({ pid, at });
    else if (event === 'flood') this.floods.push(at);
    else if (event === 'worker-started') this.workers.push({ pid: Number(fields.worker), at });
    else if (event === 'worker-silent') this.replacing.push({ pid: Number(fields.worker), at });
  }
}
