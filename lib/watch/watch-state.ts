/**
 * What a watch remembers of an answer, and what counts as a change of it:
 * typed states built once from the engine's answers (observe-*.ts), compared
 * by their canonical key, and described in words only when a change is told.
 * Pure: nothing here asks anything.
 */
import { extendedErrorName } from '../dns/extended-errors.ts';
import { rcodeName } from '../dns/rcodes.ts';
import { recordTypeName } from '../dns/record-types.ts';
import { neutraliseText } from '../reply/safe-text.ts';
import type { ReplyLine } from '../reply/split-reply.ts';

/** One record type of a DNS answer, as far as a change goes: no TTLs, records sorted, EDE codes sorted. */
export interface DnsTypeState {
  readonly type: number;
  readonly rcode: number;
  /** The answer's records in presentation form without TTLs, sorted: order never counts as a change. */
  readonly records: readonly string[];
  /** The AD bit: the resolver validated the answer. */
  readonly ad: boolean;
  readonly ede: readonly number[];
}

/** Resolvers that give the same answer (rcode and records) to a compared question. */
export interface AgreementGroup {
  readonly answer: string;
  readonly resolvers: readonly string[];
}

export interface RouteState {
  readonly kind: 'route';
  /** The most specific announced prefix covering the watched one, as CIDR text (states are stored as JSON and shown as they are); undefined when none is. */
  readonly prefix?: string;
  readonly origins: readonly number[];
  /** Announced prefixes strictly inside the watched one, where the source counts them. */
  readonly moreSpecifics?: number;
  /** Seen by at least the threshold share of the peers; undefined where the source has no peers. */
  readonly visible?: boolean;
  /** RFC 6811 state per origin, where RPKI is set up. */
  readonly rpki: readonly { readonly origin: number; readonly state: string }[];
}

export interface AsnState {
  readonly kind: 'asn';
  readonly ipv4Prefixes?: number;
  readonly ipv6Prefixes?: number;
}

export type WatchState =
  | { readonly kind: 'dns'; readonly answers: readonly DnsTypeState[] }
  | { readonly kind: 'compare'; readonly groups: readonly AgreementGroup[] }
  | RouteState
  | AsnState;

/** The state as one string: equal keys, no change. States are built sorted, so the JSON is canonical. */
export function stateKey(state: WatchState): string {
  return JSON.stringify(state);
}

/** The same state read back from the store. */
export function parseState(key: string): WatchState {
  return JSON.parse(key) as WatchState;
}

/** The state in a line or two, for the first reply and for `watches`. */
export function describeState(state: WatchState): string {
  switch (state.kind) {
    case 'dns':
      return state.answers.map((a) => `${recordTypeName(a.type)}: ${dnsAnswerText(a)}`).join('; ');
    case 'compare':
      return agreementText(state.groups);
    case 'route':
      return routeText(state);
    case 'asn':
      return asnText(state);
  }
}

/** What changed from `before` to `after`, one line each; DNS and BGP data is neutralised, as in every answer. */
export function describeChange(before: WatchState, after: WatchState): ReplyLine[] {
  if (before.kind === 'dns' && after.kind === 'dns') return dnsChanges(before.answers, after.answers).map(line);
  if (before.kind === 'compare' && after.kind === 'compare') return [line(agreementText(after.groups))];
  if (before.kind === 'route' && after.kind === 'route') return routeChanges(before, after).map(line);
  if (before.kind === 'asn' && after.kind === 'asn') return [line(`${asnText(after)} (was ${asnText(before)})`)];
  return [line(`now: ${describeState(after)}`)];
}

function line(text: string): ReplyLine {
  return { text: neutraliseText(text) };
}

function dnsAnswerText(answer: DnsTypeState): string {
  const data = answer.records.length ? answer.records.join(', ') : 'no records';
  const rcode = answer.rcode === 0 ? '' : `${rcodeName(answer.rcode)} `;
  const ede = answer.ede.map((code) => ` (${extendedErrorName(code)})`).join('');
  return `${rcode}${data}${answer.ad ? ' (AD)' : ''}${ede}`;
}

function dnsChanges(before: readonly DnsTypeState[], after: readonly DnsTypeState[]): string[] {
  return after.flatMap((now) => {
    const was = before.find((b) => b.type === now.type);
    const type = recordTypeName(now.type);
    if (!was) return [`${type}: ${dnsAnswerText(now)}`];
    const lines: string[] = [];
    if (was.rcode !== now.rcode) lines.push(`${type}: ${rcodeName(was.rcode)} → ${rcodeName(now.rcode)}`);
    const added = now.records.filter((r) => !was.records.includes(r));
    const removed = was.records.filter((r) => !now.records.includes(r));
    if (added.length || removed.length) {
      lines.push(`${type} now: ${now.records.length ? now.records.join(', ') : 'no records'}`);
      if (added.length) lines.push(`  + ${added.join(', ')}`);
      if (removed.length) lines.push(`  − ${removed.join(', ')}`);
    }
    if (was.ad !== now.ad) lines.push(`${type}: ${now.ad ? 'now validated by DNSSEC (AD)' : 'no longer validated by DNSSEC (no AD)'}`);
    for (const code of now.ede.filter((c) => !was.ede.includes(c))) lines.push(`${type}: the resolver now says ${extendedErrorName(code)}`);
    for (const code of was.ede.filter((c) => !now.ede.includes(c))) lines.push(`${type}: ${extendedErrorName(code)} went away`);
    return lines;
  });
}

function agreementText(groups: readonly AgreementGroup[]): string {
  if (groups.length === 1) return `all ${groups[0].resolvers.length} resolvers now give ${groups[0].answer}`;
  return `the resolvers disagree: ${groups.map((g) => `${g.resolvers.join(', ')} give${g.resolvers.length === 1 ? 's' : ''} ${g.answer}`).join('; ')}`;
}

function asText(origins: readonly number[]): string {
  return origins.length ? origins.map((asn) => `AS${asn}`).join(', ') : 'nobody';
}

function routeText(state: RouteState): string {
  if (state.prefix === undefined) return 'not announced';
  const parts = [`${state.prefix} from ${asText(state.origins)}`];
  if (state.moreSpecifics) parts.push(`${state.moreSpecifics} more-specific${state.moreSpecifics === 1 ? '' : 's'}`);
  if (state.visible === false) parts.push('seen by fewer than the threshold of peers');
  if (state.rpki.length) parts.push(`RPKI ${state.rpki.map((r) => `AS${r.origin} ${r.state}`).join(', ')}`);
  return parts.join('; ');
}

function routeChanges(before: RouteState, after: RouteState): string[] {
  if (before.prefix !== after.prefix) return [`now ${routeText(after)} (was ${routeText(before)})`];
  const lines: string[] = [];
  if (before.origins.join() !== after.origins.join()) lines.push(`origin now ${asText(after.origins)} (was ${asText(before.origins)})`);
  if (before.moreSpecifics !== after.moreSpecifics) {
    const [was, now] = [before.moreSpecifics ?? 0, after.moreSpecifics ?? 0];
    lines.push(`${now > was ? 'new' : 'withdrawn'} more-specific prefixes inside it: ${now} now (were ${was})`);
  }
  if (before.visible !== after.visible && after.visible !== undefined) {
    lines.push(after.visible ? 'seen again by most peers' : 'seen by fewer than the threshold of peers');
  }
  const rpkiOf = (state: RouteState) => new Map(state.rpki.map((r) => [r.origin, r.state]));
  const [wasRpki, nowRpki] = [rpkiOf(before), rpkiOf(after)];
  for (const [origin, state] of nowRpki) {
    const was = wasRpki.get(origin);
    if (was !== undefined && was !== state) lines.push(`RPKI of AS${origin}: ${was} → ${state}`);
  }
  return lines.length ? lines : [`now ${routeText(after)}`];
}

function asnText(state: AsnState): string {
  const count = (n: number | undefined, family: string) => (n === undefined ? undefined : `${n} ${family} prefix${n === 1 ? '' : 'es'}`);
  const counts = [count(state.ipv4Prefixes, 'IPv4'), count(state.ipv6Prefixes, 'IPv6')].filter(Boolean);
  return counts.length ? `originates ${counts.join(' and ')}` : 'originates nothing the source knows of';
}
