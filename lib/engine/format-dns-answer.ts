import { type DnsNetworkError, DnsTimeoutError } from '../dns/errors.ts';
import { formatIpAddress } from '../net/ip-address.ts';
import type { DnsQuestionRequest } from './parse-question.ts';
import { RecordType, recordTypeName } from '../dns/record-types.ts';
import type { DnsRecord, DnsResponse } from '../dns/resolver.ts';
import { presentRdata } from '../dns/wire/rdata-presentation.ts';
import { neutraliseText } from '../reply/safe-text.ts';
import type { ReplyLine } from '../reply/split-reply.ts';

/** What happened to one record type of a question: a response, or why there is none. */
export type TypeOutcome =
  | { readonly type: number; readonly response: DnsResponse }
  | { readonly type: number; readonly error: DnsTimeoutError | DnsNetworkError };

const rcodeNames: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

/**
 * The answer to a DNS question as lines a person reads on a phone: what was
 * asked, each record dig-style (`name. TTL TYPE data`), what each outcome
 * means, whether the resolver validated it with DNSSEC, who answered and how
 * fast. All data from DNS passes through neutraliseText.
 */
export function formatDnsAnswer(question: DnsQuestionRequest, outcomes: readonly TypeOutcome[]): ReplyLine[] {
  const lines: ReplyLine[] = [{ text: questionLine(question) }];
  for (const outcome of outcomes) lines.push(...outcomeLines(question, outcome));
  const responses = outcomes.flatMap((o) => ('response' in o ? [o.response] : []));
  if (responses.length) {
    lines.push({ text: dnssecLine(responses) }, { text: resolverLine(responses) });
  }
  return lines;
}

function questionLine(question: DnsQuestionRequest): string {
  const types = question.types.map(recordTypeName).join(' ');
  const name = question.address ? `${formatIpAddress(question.address)} → ${question.name.ascii}` : displayName(question.name.ascii, question.name.unicode);
  const via = question.profile ? ` via ${question.profile}` : '';
  return neutraliseText(`🔎 ${name} ${types}${via}`);
}

function displayName(ascii: string, unicode: string): string {
  const name = ascii || '.';
  return unicode && unicode !== ascii ? `${unicode} (${name})` : name;
}

function outcomeLines(question: DnsQuestionRequest, outcome: TypeOutcome): ReplyLine[] {
  const typeName = recordTypeName(outcome.type);
  const name = displayName(question.name.ascii, question.name.unicode);
  if ('error' in outcome) {
    const text =
      outcome.error instanceof DnsTimeoutError
        ? `⏳ ${typeName}: no answer from ${outcome.error.upstream} within ${(outcome.error.timeoutMs / 1000).toFixed(1)} s. Try again later.`
        : `⚠️ ${typeName}: could not reach the resolver (${outcome.error.message}).`;
    return [{ text: neutraliseText(text) }];
  }
  const { response } = outcome;
  const records = response.answers.map((r): ReplyLine => ({ text: recordLine(r), record: true }));
  switch (response.rcode) {
    case 0: {
      if (response.answers.some((r) => r.type === outcome.type || outcome.type === 255)) return records;
      const chain = response.answers.length ? ' at the end of the CNAME chain' : '';
      return [...records, { text: neutraliseText(`∅ ${name} exists, but has no ${typeName} record${chain}.`) }];
    }
    case 3:
      return [...records, { text: neutraliseText(`❌ ${lastTarget(response) ?? name} does not exist (NXDOMAIN).`) }];
    case 2:
      return [
        {
          text: `⚠️ ${typeName}: the resolver failed (SERVFAIL). This is often a DNSSEC validation failure, or the zone's nameservers are broken or unreachable.`,
        },
      ];
    case 5:
      return [{ text: `⛔ ${typeName}: the resolver refused to answer (REFUSED).` }];
    default:
      return [...records, { text: `⚠️ ${typeName}: the resolver answered ${rcodeNames[response.rcode] ?? 'RCODE'} (${response.rcode}).` }];
  }
}

/** With NXDOMAIN after a CNAME, the name that does not exist is the chain's last target (written without its trailing dot). */
function lastTarget(response: DnsResponse): string | undefined {
  const last = response.answers.at(-1);
  return last?.type === RecordType.CNAME && last.rdata.kind === 'name' ? last.rdata.target.replace(/\.$/, '') : undefined;
}

function recordLine(record: DnsRecord): string {
  const owner = record.name === '.' ? '.' : `${record.name}.`;
  return neutraliseText(`${owner} ${record.ttl} ${recordTypeName(record.type)} ${presentRdata(record.rdata)}`);
}

function dnssecLine(responses: readonly DnsResponse[]): string {
  const validated = responses.filter((r) => r.authenticated).length;
  if (validated === responses.length) return '🔒 DNSSEC: validated by the resolver (AD).';
  if (validated === 0) return '🔓 DNSSEC: not validated (no AD flag).';
  return `🔒 DNSSEC: ${validated} of ${responses.length} answers validated (AD).`;
}

function resolverLine(responses: readonly DnsResponse[]): string {
  const upstreams = [...new Set(responses.map((r) => `${r.upstream} (${r.transport.toUpperCase()}${r.cached ? ', cached' : ''})`))].join(', ');
  const asked = responses.filter((r) => !r.cached);
  if (asked.length === 0) return neutraliseText(`📡 ${upstreams}`);
  const times = asked.map((r) => Math.round(r.elapsedMs));
  const min = Math.min(...times);
  const max = Math.max(...times);
  return neutraliseText(`📡 ${upstreams}, ${min === max ? min : `${min}–${max}`} ms`);
}
