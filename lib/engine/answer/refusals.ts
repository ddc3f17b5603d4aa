import { neutraliseText } from '../../reply/safe-text.ts';
import type { ReplyLine } from '../../reply/split-reply.ts';
import type { InvalidQuestion } from '../question/question.ts';

/** A forbidden name as people write a zone: `.corp`, `10.in-addr.arpa`. */
function zoneOf(forbidden: string): string {
  return forbidden.includes('.') ? forbidden : `.${forbidden}`;
}

const PRIVATE = 'belong to private networks, and the operator keeps them out of reach';

/** Why a name under DNS_FORBIDDEN_NAMES is not asked, as a trace says it stopped: `names under .corp belong to …`. */
export function privateZoneReason(forbidden: string): string {
  return `names under ${zoneOf(forbidden)} ${PRIVATE}`;
}

/** The refusal of a question about a name under DNS_FORBIDDEN_NAMES, said before any query. */
export function forbiddenNameLines(forbidden: string): ReplyLine[] {
  return [{ text: `🚫 I do not look up names under ${zoneOf(forbidden)}: they ${PRIVATE}. Ask about a public name.` }];
}

/** A question that could not be read, or that is refused: what was wrong, and what would work. */
export function invalidQuestionLines(question: InvalidQuestion): ReplyLine[] {
  // Problems quote the asker's words, which must not mention anyone either.
  return [
    { text: neutraliseText(question.refused ? `🚫 ${capitalise(question.problem)}.` : `🤔 I could not read that: ${question.problem}.`) },
    { text: neutraliseText(`${capitalise(question.hint)}. Send “help” for examples.`) },
  ];
}

/** Asked for BGP where BGP_SOURCE is off. */
export const bgpOffLines: readonly ReplyLine[] = [{ text: 'BGP look-ups are not enabled on this bot. Ask a name or an address instead.' }];

/** Asked for whois where RDAP is off. */
export const whoisOffLines: readonly ReplyLine[] = [{ text: 'whois (RDAP) is turned off on this bot (RDAP=off).' }];

/** Asked to compare where only one resolver is configured. */
export const nothingToCompareLines: readonly ReplyLine[] = [
  { text: 'This bot asks one resolver only, so there is nothing to compare: ask without “compare”, or ask its operator to set up DNS_PROFILES.' },
];

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
