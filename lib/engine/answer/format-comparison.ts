import { DnsTimeoutError, NoUpstreamOfFamilyError } from '../../dns/errors.ts';
import { extendedErrorName } from '../../dns/extended-errors.ts';
import { rcodeName } from '../../dns/rcodes.ts';
import { RecordType, recordTypeName } from '../../dns/record-types.ts';
import type { DnsResponse } from '../../dns/resolver.ts';
import { neutraliseText } from '../../reply/safe-text.ts';
import type { ReplyLine } from '../../reply/split-reply.ts';
import type { ComparedAnswer, Comparison, Difference } from '../compare-resolvers.ts';
import type { DnsQuestionRequest } from '../question/question.ts';

const RCODE_NOERROR = 0;
const RCODE_NXDOMAIN = 3;
// The EDEs by which a resolver says it kept the real answer from the asker.
const withheld = new Set([15, 16, 17, 18]);

/**
 * A comparison as a post: when all resolvers agree, one line says so and the
 * data comes once; otherwise each resolver's answer is one line (so that a
 * split falls between resolvers), then where they part, in words. All DNS
 * data passes through neutraliseText.
 */
export function formatComparison(question: DnsQuestionRequest, comparison: Comparison): ReplyLine[] {
  const { answers, differences, sharedErrors, leftOut } = comparison;
  const name = question.address ? `${question.name.ascii}` : question.name.unicode || question.name.ascii || '.';
  const beyond = leftOut ? ` (${leftOut} more configured: DNS_COMPARE_MAX)` : '';
  const lines: ReplyLine[] = [
    { text: neutraliseText(`🔎 ${name} ${recordTypeName(question.types[0])}, compared across ${answers.length} resolvers${beyond}`) },
  ];
  const shared = sharedErrors.map((error) => ({ text: neutraliseText(`ℹ️ All say ${extendedErrorName(error.code)}`) }));
  const first = answers[0];
  if (differences.length === 0 && first && 'response' in first.outcome) {
    const { response } = first.outcome;
    const answered = response.rcode === RCODE_NOERROR || response.rcode === RCODE_NXDOMAIN;
    const validation = answered ? `, ${response.authenticated ? 'validated (AD)' : 'not validated (no AD)'}` : '';
    lines.push({ text: `${answered ? '✅' : '⚠️'} All ${answers.length} agree: ${rcodeName(response.rcode)}${validation}` });
    lines.push(...first.data.map((data): ReplyLine => ({ text: neutraliseText(data), record: true })));
    if (first.data.length === 0 && response.rcode === RCODE_NOERROR) lines.push({ text: `∅ no ${recordTypeName(question.types[0])} record` });
    lines.push(...shared, { text: neutraliseText(`📡 ${answers.map((a) => `${a.resolver} ${timeOf(a)}`).join(', ')}`) });
    return lines;
  }
  lines.push(...answers.map((answer): ReplyLine => ({ text: neutraliseText(answerLine(answer)), record: true })));
  if (answers.every((answer) => 'error' in answer.outcome)) {
    lines.push({ text: `⚠️ None of the ${answers.length} resolvers answered.` });
    return lines;
  }
  lines.push(...shared);
  if (differences.length) {
    lines.push({ text: '⚠️ Where they differ:' });
    lines.push(...differences.map((difference) => ({ text: neutraliseText(`• ${differenceText(question, difference, answers.length)}`) })));
  }
  return lines;
}

function answerLine(answer: ComparedAnswer): string {
  const { outcome } = answer;
  if ('error' in outcome) {
    const { error } = outcome;
    if (error instanceof DnsTimeoutError) return `${answer.resolver}: no answer within ${(error.timeoutMs / 1000).toFixed(1)} s`;
    if (error instanceof NoUpstreamOfFamilyError) return `${answer.resolver}: no upstream at an IPv${error.family} address`;
    return `${answer.resolver}: unreachable (${error.reason})`;
  }
  const { response } = outcome;
  const facts = [
    rcodeName(response.rcode),
    ...(response.authenticated ? ['AD'] : []),
    ...response.extendedErrors.map((e) => extendedErrorName(e.code)),
    timeOf(answer),
  ];
  return `${answer.resolver}: ${facts.join(', ')}${answer.data.length ? `: ${answer.data.join(', ')}` : ''}`;
}

function differenceText(question: DnsQuestionRequest, difference: Difference, count: number): string {
  switch (difference.kind) {
    case 'rcode':
      return `${who(difference.resolvers, count)} ${rcodeName(difference.rcode)}`;
    case 'data': {
      const addresses = question.types[0] === RecordType.A || question.types[0] === RecordType.AAAA;
      return `${who(difference.resolvers, count)} ${addresses ? 'other addresses (a sinkhole, or another view of the name)' : 'other data'}`;
    }
    case 'no-data':
      return `${who(difference.resolvers, count)} no ${recordTypeName(question.types[0])} record, where the others give data`;
    case 'split':
      return `no answer has a majority: ${difference.groups.map((group) => group.join(', ')).join(' | ')} give different answers`;
    case 'no-ad':
      return `${difference.resolvers.join(', ')}: no AD, where the others validated the same data`;
    case 'ede': {
      const extra = difference.error.text ? `: “${difference.error.text}”` : '';
      const kept = withheld.has(difference.error.code) ? ' (it withholds the real answer)' : '';
      return `${difference.resolver} says ${extendedErrorName(difference.error.code)}${kept}${extra}`;
    }
    case 'no-answer':
      return `${difference.resolver} did not answer`;
  }
}

/** “quad9 alone gives”, “cn and quad9 give”. */
function who(resolvers: readonly string[], count: number): string {
  if (resolvers.length === 1 && count > 2) return `${resolvers[0]} alone gives`;
  if (resolvers.length === 1) return `${resolvers[0]} gives`;
  return `${resolvers.slice(0, -1).join(', ')} and ${resolvers.at(-1)} give`;
}

function timeOf(answer: ComparedAnswer): string {
  if (!('response' in answer.outcome)) return 'no answer';
  const response: DnsResponse = answer.outcome.response;
  return response.cached ? 'cached' : `${Math.round(response.elapsedMs)} ms`;
}
