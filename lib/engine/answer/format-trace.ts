import { DnsTimeoutError } from '../../dns/errors.ts';
import { rcodeName } from '../../dns/rcodes.ts';
import { RecordType, recordTypeName } from '../../dns/record-types.ts';
import {
  CnameLoopError,
  ForbiddenNameError,
  LameDelegationError,
  NoServerAnsweredError,
  ReferralLoopError,
  type TraceFailure,
  TraceLimitError,
  UnresolvableDelegationError,
  UnroutableAddressError,
} from '../../dns/trace/errors.ts';
import type { NameServer } from '../../dns/trace/name-server.ts';
import type { Trace, TraceStep } from '../../dns/trace/trace.ts';
import { neutraliseText } from '../../reply/safe-text.ts';
import type { ReplyLine } from '../../reply/split-reply.ts';
import { displayName, negativeAnswerText, recordLine, shortDataLine } from './format-dns-answer.ts';
import { wantsDnssecRecords } from '../ask-dns.ts';
import type { DnsQuestionRequest } from '../question/question.ts';

const RCODE_NOERROR = 0;
const RCODE_NXDOMAIN = 3;

/**
 * A trace as lines: the question, one line per server asked (the zone, the
 * server's name and address, what it answered, how long it took), the
 * records of the final answer, what went wrong where it went wrong, and what
 * the trace cost. Names from DNS pass through neutraliseText once, here.
 * `+short` leaves the data of the final answer.
 */
export function formatTrace(question: DnsQuestionRequest, trace: Trace): ReplyLine[] {
  // A trace asks with DO, to see DS in referrals: the RRSIGs that come along are shown only when they were asked for.
  const records = (trace.answer?.records ?? []).filter((r) => wantsDnssecRecords(question, question.types[0]) || r.type !== RecordType.RRSIG);
  if (question.dig.short) {
    const data = records.map(shortDataLine);
    return data.length
      ? data
      : [{ text: neutraliseText(`(${trace.failure ? trace.failure.message : trace.answer ? rcodeName(trace.answer.rcode) : 'no answer'})`) }];
  }
  const type = recordTypeName(question.types[0]);
  const lines: ReplyLine[] = [
    { text: neutraliseText(`🔎 ${displayName(question.name.ascii, question.name.unicode)} ${type} +trace`) },
    ...trace.steps.map((step, i) => ({ text: neutraliseText(stepText(step, trace.steps[i + 1])) })),
    ...records.map(recordLine),
  ];
  const ending = trace.failure ? failureText(trace.failure) : answerText(question, trace);
  if (ending) lines.push({ text: neutraliseText(ending) });
  const queries = `${trace.queries} ${trace.queries === 1 ? 'query' : 'queries'}`;
  const referrals = `${trace.referrals} referral${trace.referrals === 1 ? '' : 's'}`;
  lines.push({ text: `🧭 ${queries}, ${referrals}, ${Math.round(trace.elapsedMs)} ms` });
  return lines;
}

function server(s: NameServer): string {
  const port = s.port === 53 ? '' : ` port ${s.port}`;
  return s.name ? `${s.name} (${s.address}${port})` : `${s.address}${port}`;
}

const zoneName = (zone: string) => (zone === '.' ? '.' : `${zone}.`);

function stepText(step: TraceStep, next: TraceStep | undefined): string {
  const where = `${step.resolving ? `↳ for ${step.resolving}: ` : ''}${zoneName(step.zone)} ${server(step.server)}`;
  const ms = `${Math.round(step.elapsedMs)} ms`;
  const { outcome } = step;
  switch (outcome.kind) {
    case 'referral': {
      const details = [`${outcome.nameservers} NS`, outcome.glue === 0 && 'no glue', outcome.signed && 'signed: DS'].filter(Boolean).join(', ');
      return `${where} → referral to ${zoneName(outcome.zone)} (${details}), ${ms}`;
    }
    case 'answer': {
      const what = outcome.cname
        ? `CNAME to ${outcome.cname}, asked from the root`
        : outcome.rcode === RCODE_NOERROR
          ? `${outcome.records} record${outcome.records === 1 ? '' : 's'}`
          : rcodeName(outcome.rcode);
      return `${where} → answer (AA): ${what}, ${ms}`;
    }
    case 'lame':
      return `⚠️ ${where} → lame: ${rcodeName(outcome.rcode)}, neither an answer with authority nor a referral, ${ms}`;
    case 'no-answer': {
      const why =
        outcome.error instanceof DnsTimeoutError
          ? `no answer within ${(outcome.error.timeoutMs / 1000).toFixed(1)} s`
          : `unreachable (${outcome.error.reason})`;
      const onward = next && next.zone === step.zone && next.resolving === step.resolving ? ': trying the next server' : '';
      return `⏳ ${where} → ${why}${onward}`;
    }
  }
}

/** What the final answer means, when its records alone do not say it. */
function answerText(question: DnsQuestionRequest, trace: Trace): string | undefined {
  const answer = trace.answer;
  if (!answer) return undefined;
  if (answer.rcode !== RCODE_NOERROR && answer.rcode !== RCODE_NXDOMAIN) return `⚠️ The authoritative server answered ${rcodeName(answer.rcode)}.`;
  return negativeAnswerText(displayName(question.name.ascii, question.name.unicode), question.types[0], answer.rcode, answer.records);
}

function failureText(failure: TraceFailure): string {
  if (failure instanceof LameDelegationError)
    return `⚠️ Stopped at ${zoneName(failure.zone)}: its servers are lame (${failure.servers} asked), none answers for the zone or refers onward.`;
  if (failure instanceof NoServerAnsweredError) return `⏳ Stopped at ${zoneName(failure.zone)}: none of its ${failure.servers} servers answered.`;
  if (failure instanceof UnresolvableDelegationError)
    return `❌ Stopped at ${zoneName(failure.zone)}: it is delegated to ${failure.nameservers.join(', ')} without glue, and ${failure.nameservers.length === 1 ? 'that name does not resolve' : 'none of those names resolves'}.`;
  if (failure instanceof ReferralLoopError)
    return `🔁 Stopped at ${zoneName(failure.zone)}: ${server(failure.server)} refers to ${zoneName(failure.referredTo)}, which is no closer to the name: a referral loop.`;
  if (failure instanceof CnameLoopError) return `🔁 Stopped: the CNAME chain comes back to ${failure.target}.`;
  if (failure instanceof ForbiddenNameError) return `🚫 Stopped before asking about ${failure.forbiddenName}: ${failure.reason}.`;
  if (failure instanceof UnroutableAddressError)
    return `🚫 Stopped at ${zoneName(failure.zone)}: ${server(failure.server)} is ${failure.reason}, not on the public Internet, and I send no query there.`;
  if (failure instanceof TraceLimitError) {
    const limit = failure.limit === 'time' ? `${failure.value / 1000} s` : `${failure.value} ${failure.limit === 'cnames' ? 'CNAMEs' : failure.limit}`;
    return `⛔ Stopped: a trace may take at most ${limit}.`;
  }
  return `⚠️ Stopped: ${failure.message}.`;
}
