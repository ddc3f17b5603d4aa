import type { QuestionProblem } from './problem-texts.ts';
import type { DigOptions } from './question.ts';
import { typeCodes, typeProblem } from './type-words.ts';

// People paste dig commands, and those of its cousins: the command's name is not part of the question.
const digTools = /^(dig|kdig|drill|host|nslookup)$/i;
// host and nslookup take the server as a second name (`host example.com 1.1.1.1`).
const serverAsSecondName = /^(host|nslookup)$/i;
const digFlags: Record<string, keyof DigOptions> = {
  short: 'short',
  dnssec: 'dnssec',
  cd: 'checkingDisabled',
  cdflag: 'checkingDisabled',
  tcp: 'tcp',
  vc: 'tcp',
  nsid: 'nsid',
  trace: 'trace',
};
const displayFlags = /^(no)?(all|answer|authority|additional|question|comments|cmd|stats|multiline|multi|ttlid|ttlunits|class|rrcomments|identify)$/;

/** `dig`, `kdig`, `drill`, `host`, `nslookup`: a word that starts a pasted command line. */
export function isDigTool(word: string): boolean {
  return digTools.test(word);
}

/** host and nslookup read a second name as the server to ask. */
export function takesServerAsSecondName(tool: string): boolean {
  return serverAsSecondName.test(tool);
}

/** The words read as a command line: a tool's name first, or a +flag or -option anywhere. */
export function readsAsCommandLine(words: readonly string[]): boolean {
  return isDigTool(words[0] ?? '') || words.some((w) => /^[+-][a-z0-9]/i.test(w));
}

/** `IN`, `CH`, …: a class, written where a type could be. */
export function isClassWord(word: string): boolean {
  return /^(IN|CH|HS|CHAOS|HESIOD)$/i.test(word);
}

/** The one class asked; any other is a problem. */
export function classProblem(word: string): QuestionProblem | undefined {
  return /^IN$/i.test(word) ? undefined : { kind: 'other-class', written: word };
}

/** What a dig command line says besides names and types. */
export interface DigWords {
  readonly positional: string[];
  readonly types: number[];
  readonly dig: { -readonly [K in keyof DigOptions]: DigOptions[K] };
  /** The address of `-x ADDRESS`. */
  reverse?: string;
}

/** Reads dig's options off the words; what is left are names and types, in order. */
export function digWords(words: readonly string[]): DigWords | QuestionProblem {
  const read: DigWords = { positional: [], types: [], dig: {} };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const next = () => words[++i];
    if (word.startsWith('+') && word.length > 1) {
      const problem = digFlag(word.slice(1).toLowerCase(), read.dig);
      if (problem) return problem;
    } else if (word === '-4' || word === '-6') read.dig.family = word === '-4' ? 4 : 6;
    else if (word === '-x') {
      read.reverse = next();
      if (read.reverse === undefined) return { kind: 'reverse-without-address' };
    } else if (/^-t([A-Za-z][A-Za-z0-9]*)?$/.test(word) || /^-(type|querytype|query|q)=/i.test(word)) {
      const typeWord = optionValue(word, next);
      const codes = typeWord === undefined ? undefined : typeCodes(typeWord);
      const problem = typeWord === undefined ? undefined : typeProblem(typeWord);
      if (problem?.kind === 'zone-transfer') return problem;
      if (!codes) return { kind: 'option-not-a-type', option: word, written: typeWord };
      read.types.push(...codes);
    } else if (/^-c([A-Za-z]+)?$/.test(word) || /^-class=/i.test(word)) {
      const problem = classProblem(optionValue(word, next) ?? '');
      if (problem) return problem;
    } else if (/^-[a-z0-9]+(=\S*)?$/i.test(word)) {
      // Not `-example.com`: that is a name with a bad label, for the name's own check to explain.
      return { kind: 'unknown-option', option: word };
    } else read.positional.push(word);
  }
  return read;
}

/** The value of `-t MX` (the next word), `-tMX` (dig and kdig) or `-type=MX` (nslookup). */
function optionValue(word: string, next: () => string | undefined): string | undefined {
  if (word.includes('=')) return word.slice(word.indexOf('=') + 1) || undefined;
  return word.length > 2 ? word.slice(2) : next();
}

/** Sets the dig option `+flag` (or clears it for `+noflag`); a problem for the ones not offered. */
function digFlag(flag: string, dig: DigWords['dig']): QuestionProblem | undefined {
  if (/^no(rec|recu|recur|recurs|recurse)$/.test(flag)) return { kind: 'norecurse' };
  // How dig prints its answer: this bot has one way of showing one, so these change nothing and are taken as read.
  if (displayFlags.test(flag)) return undefined;
  const negated = flag.startsWith('no') && digFlags[flag.slice(2)] !== undefined;
  const option = digFlags[negated ? flag.slice(2) : flag];
  if (option === undefined || option === 'family') return { kind: 'unknown-flag', flag };
  dig[option] = !negated;
  return undefined;
}
