/** The words of watch replies, in one place. The question and every state pass through neutraliseText. */
import { duration, utcMinute } from '../engine/answer/duration.ts';
import { neutraliseText } from '../reply/safe-text.ts';
import type { ReplyLine } from '../reply/split-reply.ts';
import { describeChange, describeState, parseState } from './watch-state.ts';
import type { WatchRecord } from './watch-store.ts';

function dateText(ms: number): string {
  return utcMinute(new Date(ms));
}

function quoted(question: string): string {
  return `“${neutraliseText(question)}”`;
}

export interface StartedWatch {
  readonly question: string;
  readonly expiresAt: number;
  /** How often it is checked, in words. */
  readonly every: string;
  readonly now?: string;
  readonly dailyChanges: number;
}

export function startedLines(watch: StartedWatch): ReplyLine[] {
  return [
    { text: `👁 Watching ${quoted(watch.question)} until ${dateText(watch.expiresAt)}, checked ${watch.every}.` },
    {
      text:
        watch.now === undefined ? 'No answer came now; the first answer that comes is what changes are measured from.' : neutraliseText(`Now: ${watch.now}`),
    },
    {
      text: `I reply here when it changes (a new answer must hold for two checks in a row; at most ${watch.dailyChanges} changes a day). Reply “unwatch” to stop.`,
    },
  ];
}

/** A check interval in words; a lab's are seconds. */
function span(ms: number): string {
  return ms < 60_000 ? `${ms / 1000} s` : duration(ms);
}

export function dnsEvery(minIntervalMs: number): string {
  return `every ${span(minIntervalMs)} at most, and no more often than its TTL allows`;
}

export function bgpEvery(bgpIntervalMs: number, reloads: boolean): string {
  return reloads ? `after each reload of the routing table or the VRPs, and every ${span(bgpIntervalMs)}` : `every ${span(bgpIntervalMs)}`;
}

export function changeLines(watch: WatchRecord, before: string, after: string, muted: boolean, dailyChanges: number): ReplyLine[] {
  return [
    { text: `🔔 ${quoted(watch.question)} changed:` },
    ...describeChange(parseState(before), parseState(after)),
    ...(muted ? [{ text: `That is more than ${dailyChanges} changes today: this watch is muted until tomorrow (UTC), and goes on then.` }] : []),
  ];
}

export function endedLines(watch: WatchRecord): ReplyLine[] {
  const last = watch.progress.reported === undefined ? [] : [{ text: neutraliseText(`Last seen: ${describeState(parseState(watch.progress.reported))}`) }];
  return [{ text: `⏹ The watch of ${quoted(watch.question)} has ended: its time was up (${dateText(watch.expiresAt)}).` }, ...last];
}

export function listLines(watches: readonly WatchRecord[], perAsker: number): ReplyLine[] {
  if (watches.length === 0) return [{ text: 'You watch nothing. Ask e.g. “watch example.com NS” or “watch bgp 192.0.2.0/24”.' }];
  return [
    { text: `Your watches (${watches.length} of ${perAsker}):` },
    ...watches.map((w) => ({ text: `• ${quoted(w.question)} until ${dateText(w.expiresAt)}`, record: true })),
  ];
}
