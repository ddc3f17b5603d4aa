import { readCidr } from '../../net/ip-address.ts';
import { bgpQuestion, isAsn, isCidr } from './bgp-question.ts';
import { readsAsCommandLine } from './dig-options.ts';
import { dnsQuestionFromWords, hostOf, isZonedAddress } from './dns-question.ts';
import { invalidQuestion, questionOrInvalid } from './problem-texts.ts';
import type { Question, QuestionOptions } from './question.ts';
import { chooseResolver } from './resolver-choice.ts';
import { whoisQuestion } from './whois-question.ts';

const MAX_QUESTION_LENGTH = 1000;
const MAX_WORDS = 16;
// Punctuation people put around a name in a sentence; a trailing dot is part of the name and stays.
const wrapping = /^[\s"'`“”‘’«»()[\]<>{},;:!?]+|[\s"'`“”‘’«»()[\]<>{},;:!?]+$/gu;
// The same without the colon, which starts and ends IPv6 addresses (`::1`, `2001:db8::`).
const wrappingButColons = /^[\s"'`“”‘’«»()[\]<>{},;!?]+|[\s"'`“”‘’«»()[\]<>{},;!?]+$/gu;

/**
 * A word with the punctuation of its sentence taken off, and an address's own colons kept; an address may
 * also end its sentence with a dot (a name keeps its trailing dot: it is part of the name).
 */
function unwrap(word: string): string {
  const kept = word.replace(wrappingButColons, '');
  for (const candidate of [kept, kept.replace(/\.$/, '')]) if (readCidr(candidate) || isZonedAddress(candidate)) return candidate;
  return word.replace(wrapping, '');
}

/**
 * Turns the plain text of a mention (the bot's own @mention already removed)
 * into a question. Pure: nothing here touches the network.
 */
export function parseQuestion(text: string, options: QuestionOptions): Question {
  if (text.length > MAX_QUESTION_LENGTH) return invalidQuestion({ kind: 'too-long', characters: text.length });
  const words = text
    .split(/\s+/u)
    .map(unwrap)
    .filter((w) => w !== '' && !w.startsWith('#'));
  const choice = chooseResolver(words, options.profiles);
  if (!('rest' in choice)) return invalidQuestion(choice);
  const { profile, rest } = choice;
  const [first, ...others] = rest;
  if (first === undefined) return { kind: 'help' };
  const lone = others.length === 0 ? loneWordQuestion(first) : undefined;
  if (lone) return lone;
  if (rest.length > MAX_WORDS) return invalidQuestion({ kind: 'too-many-words', words: rest.length });
  if (/^bgp$/i.test(first)) return questionOrInvalid(bgpQuestion(others));
  if (/^(whois|rdap|abuse)$/i.test(first)) return questionOrInvalid(whoisQuestion(first, others.map(hostOf)));
  const dns = dnsQuestionFromWords(rest, profile, options);
  if (dns.kind === 'dns') return dns;
  // A command line that could not be read is still a question, which deserves the reason.
  return readsAsCommandLine(rest) ? { ...invalidQuestion(dns), command: true } : invalidQuestion(dns);
}

/**
 * What a word alone asks when it is not a name: help, info, or a BGP
 * question about a prefix or an AS number; undefined for a name.
 */
export function loneWordQuestion(word: string): Question | undefined {
  if (/^(help|\?|hilfe|aide)$/i.test(word)) return { kind: 'help' };
  if (/^(info|about|status)$/i.test(word)) return { kind: 'info' };
  if (isCidr(word) || isAsn(word)) return questionOrInvalid(bgpQuestion([word]));
  return undefined;
}
