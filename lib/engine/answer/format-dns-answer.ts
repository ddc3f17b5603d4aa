import { DnsTimeoutError, NoUpstreamOfFamilyError } from '../../dns/errors.ts';
import { extendedErrorName, isValidationFailure } from '../../dns/extended-errors.ts';
import { rcodeName } from '../../dns/rcodes.ts';
import { RecordType, recordTypeName } from '../../dns/record-types.ts';
import type { DnsRecord, DnsResponse, ExtendedDnsError } from '../../dns/resolver.ts';
import { presentRdata } from '../../dns/wire/rdata-presentation.ts';
import { formatIpAddress } from '../../net/ip-address.ts';
import { neutraliseText } from '../../reply/safe-text.ts';
import type { ReplyLine } from '../../reply/split-reply.ts';
import type { TypeOutcome } from '../ask-dns.ts';
import type { DnsQuestionRequest } from '../question/question.ts';

const RCODE_NOERROR = 0;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;

/**
 * The answer to a DNS question as lines a person reads on a phone: what was
 * asked, each record dig-style (`name. TTL TYPE data`), what each outcome
 * means and why it failed when the resolver said why (EDE), whether the
 * resolver validated it with DNSSEC, who answered and how fast. `+short`
 * leaves only the data. All data from DNS passes through neutraliseText.
 */
export function formatDnsAnswer(question: DnsQuestionRequest, outcomes: readonly TypeOutcome[]): ReplyLine[] {
  if (question.dig.short) return outcomes.flatMap(shortLines);
  const lines: ReplyLine[] = [{ text: questionLine(question) }];
  for (const outcome of outcomes) lines.push(...outcomeLines(question, outcome));
  if (question.types.includes(RecordType.ANY)) {
    lines.push({ text: 'ℹ️ ANY: resolvers may answer it with only some of the records, or one HINFO (RFC 8482): ask for the types you need.' });
  }
  const responses = outcomes.flatMap((o) => ('response' in o ? [o.response] : []));
  const dnssec = dnssecLine(question, outcomes);
  if (dnssec) lines.push({ text: dnssec });
  const nsid = nsidLine(responses);
  if (nsid) lines.push({ text: nsid });
  if (responses.length) lines.push({ text: resolverLine(responses) });
  return lines;
}

function questionLine(question: DnsQuestionRequest): string {
  const types = question.types.map(recordTypeName).join(' ');
  const name = question.address ? `${formatIpAddress(question.address)} → ${question.name.ascii}` : displayName(question.name.ascii, question.name.unicode);
  const { dnssec, checkingDisabled, tcp, nsid, family } = question.dig;
  const options = [dnssec && '+dnssec', checkingDisabled && '+cd', tcp && '+tcp', nsid && '+nsid', family && `-${family}`].filter(Boolean);
  const via = question.profile ? ` via ${question.profile}` : '';
  return neutraliseText(`🔎 ${name} ${types}${options.length ? ` ${options.join(' ')}` : ''}${via}`);
}

export function displayName(ascii: string, unicode: string): string {
  const name = ascii || '.';
  return unicode && unicode !== ascii ? `${unicode} (${name})` : name;
}

/** Why no response came, in a sentence. */
function failureText(typeName: string, error: Extract<TypeOutcome, { error: unknown }>['error']): string {
  if (error instanceof DnsTimeoutError)
    return `⏳ ${typeName}: no answer from ${error.upstream} within ${(error.timeoutMs / 1000).toFixed(1)} s. Try again later.`;
  if (error instanceof NoUpstreamOfFamilyError) {
    return `⚠️ ${typeName}: none of my resolvers is at an IPv${error.family} address (${error.upstreams.join(', ')}): ask without -${error.family}.`;
  }
  return `⚠️ ${typeName}: could not reach the resolver (${error.message}).`;
}

function outcomeLines(question: DnsQuestionRequest, outcome: TypeOutcome): ReplyLine[] {
  const typeName = recordTypeName(outcome.type);
  const name = displayName(question.name.ascii, question.name.unicode);
  if ('error' in outcome) return [{ text: neutraliseText(failureText(typeName, outcome.error)) }];
  const { response } = outcome;
  const records = response.answers.map(recordLine);
  const reasons = response.extendedErrors.map((ede) => ({ text: edeLine(typeName, ede) }));
  switch (response.rcode) {
    case RCODE_NOERROR:
    case RCODE_NXDOMAIN: {
      const negative = negativeAnswerText(name, outcome.type, response.rcode, response.answers);
      return [...records, ...(negative ? [{ text: neutraliseText(negative) }] : []), ...reasons];
    }
    case RCODE_SERVFAIL:
      return [...serverFailureLines(typeName, response, outcome.unvalidated), ...reasons];
    case 5:
      return [{ text: `⛔ ${typeName}: the resolver refused to answer (REFUSED).` }, ...reasons];
    default:
      return [...records, { text: `⚠️ ${typeName}: the resolver answered ${rcodeName(response.rcode)} (${response.rcode}).` }, ...reasons];
  }
}

/**
 * SERVFAIL, with what asking again with CD showed: data that exists but
 * fails validation (shown, marked as such), or a failure that is not
 * DNSSEC's. Without that second answer, only the resolver's EDE can say why.
 */
function serverFailureLines(typeName: string, response: DnsResponse, unvalidated: DnsResponse | undefined): ReplyLine[] {
  const failed = `⚠️ ${typeName}: the resolver failed (SERVFAIL)`;
  if (unvalidated && unvalidated.rcode !== RCODE_SERVFAIL) {
    const data = unvalidated.answers.map(recordLine);
    const found = data.length
      ? 'the data exists, but fails DNSSEC validation. Not validated, do not trust it:'
      : `it answers ${rcodeName(unvalidated.rcode)}, so DNSSEC validation is what fails.`;
    return [{ text: `${failed}. Asked again without validation (CD), ${found}` }, ...data];
  }
  if (unvalidated) return [{ text: `${failed}, without validation (CD) too: the zone's nameservers are broken or unreachable.` }];
  if (response.extendedErrors.length) return [{ text: `${failed}.` }];
  return [{ text: `${failed}: a DNSSEC validation failure, or broken or unreachable nameservers.` }];
}

function edeLine(typeName: string, ede: ExtendedDnsError): string {
  const extra = ede.text ? `: “${ede.text}”` : '';
  return neutraliseText(`ℹ️ ${typeName}: the resolver says ${extendedErrorName(ede.code)}${extra}`);
}

/**
 * What a NOERROR or NXDOMAIN answer to `name` means when its records alone
 * do not say it: that the name does not exist (after a CNAME, the chain's
 * last target, written without its trailing dot), or has no record of the
 * type. Undefined when records of the type are there.
 */
export function negativeAnswerText(name: string, type: number, rcode: number, records: readonly DnsRecord[]): string | undefined {
  if (rcode === RCODE_NXDOMAIN) {
    const last = records.findLast((r) => r.type === RecordType.CNAME);
    return `❌ ${last?.rdata.kind === 'name' ? last.rdata.target.replace(/\.$/, '') : name} does not exist (NXDOMAIN).`;
  }
  if (type === RecordType.ANY || records.some((r) => r.type === type)) return undefined;
  return `∅ ${name} exists, but has no ${recordTypeName(type)} record${records.length ? ' at the end of the CNAME chain' : ''}.`;
}

/** A record's data alone, as `dig +short` prints it. */
export function shortDataLine(record: DnsRecord): ReplyLine {
  return { text: neutraliseText(presentRdata(record.rdata)), record: true };
}

export function recordLine(record: DnsRecord): ReplyLine {
  const owner = record.name === '.' ? '.' : `${record.name}.`;
  return { text: neutraliseText(`${owner} ${record.ttl} ${recordTypeName(record.type)} ${presentRdata(record.rdata)}`), record: true };
}

/** `dig +short`: the data of each answer record on a line; a failure in a few words, since a post cannot be empty. */
function shortLines(outcome: TypeOutcome): ReplyLine[] {
  const typeName = recordTypeName(outcome.type);
  if ('error' in outcome) return [{ text: neutraliseText(failureText(typeName, outcome.error)) }];
  const { response } = outcome;
  const data = response.answers.map(shortDataLine);
  if (response.rcode === RCODE_NOERROR && data.length) return data;
  const why = response.extendedErrors.map((ede) => `, ${extendedErrorName(ede.code)}`).join('');
  const status = response.rcode === RCODE_NOERROR ? `no ${typeName} record` : `${typeName} ${rcodeName(response.rcode)}`;
  return [...data, { text: neutraliseText(`(${status}${why})`) }];
}

/**
 * Whether the resolver validated what it answered, said only when it says
 * something true: nothing under a timeout or a failure that is not DNSSEC's.
 */
function dnssecLine(question: DnsQuestionRequest, outcomes: readonly TypeOutcome[]): string | undefined {
  const responded = outcomes.some((o) => 'response' in o);
  if (question.dig.checkingDisabled) return responded ? '🔓 DNSSEC: validation off (+cd): the resolver did not check these answers.' : undefined;
  const failedTypes = outcomes.filter(failedValidation).map((o) => recordTypeName(o.type));
  const answered = outcomes.flatMap((o) =>
    'response' in o && (o.response.rcode === RCODE_NOERROR || o.response.rcode === RCODE_NXDOMAIN) ? [o.response] : [],
  );
  const validated = answered.filter((r) => r.authenticated).length;
  const parts: string[] = [];
  if (failedTypes.length) parts.push(`validation failed for ${failedTypes.join(', ')}`);
  if (answered.length && validated === answered.length) parts.push('validated by the resolver (AD)');
  else if (answered.length && validated === 0) parts.push('not validated (no AD flag)');
  else if (answered.length) parts.push(`${validated} of ${answered.length} answers validated (AD)`);
  if (parts.length === 0) return undefined;
  return `${failedTypes.length ? '❌' : validated ? '🔒' : '🔓'} DNSSEC: ${parts.join('; ')}.`;
}

/** A SERVFAIL that DNSSEC explains: data without validation, or an EDE that names a validation failure. */
function failedValidation(outcome: TypeOutcome): boolean {
  if (!('response' in outcome) || outcome.response.rcode !== RCODE_SERVFAIL) return false;
  if (outcome.response.extendedErrors.some((ede) => isValidationFailure(ede.code))) return true;
  return outcome.unvalidated !== undefined && outcome.unvalidated.rcode !== RCODE_SERVFAIL;
}

/** NSID (RFC 5001) as dig shows it: the text when it is printable, else the bytes in hex. */
function nsidLine(responses: readonly DnsResponse[]): string | undefined {
  const ids = [...new Set(responses.flatMap((r) => (r.nsid ? [presentNsid(r.nsid)] : [])))];
  return ids.length ? neutraliseText(`🏷 Answered by server instance (NSID): ${ids.join(', ')}`) : undefined;
}

function presentNsid(nsid: Uint8Array): string {
  const bytes = Buffer.from(nsid);
  if (bytes.length === 0) return '(empty)';
  return /^[\x20-\x7e]+$/.test(bytes.toString('latin1')) ? `“${bytes.toString('latin1')}”` : bytes.toString('hex');
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
