import { bgpQuestion } from './bgp-question.ts';
import { dnsQuestion, hostOf } from './dns-question.ts';
import { loneWordQuestion } from './parse-question.ts';
import { questionOrInvalid, type QuestionProblem } from './problem-texts.ts';
import type { Question, QuestionOptions } from './question.ts';
import { typeCodes, typeProblem } from './type-words.ts';
import { whoisQuestion } from './whois-question.ts';

/** A question as an HTTP path gives it, in parts: `/dns/NAME/TYPE+TYPE?compare`, `/bgp/TARGET`, `/whois/TARGET`, `/abuse/TARGET`. */
export type QuestionPath =
  | { readonly section: 'dns'; readonly name: string; readonly types: readonly string[]; readonly compare: boolean }
  /** An address, a prefix (its slash the path's own) or an AS number. */
  | { readonly section: 'bgp'; readonly target: string }
  | { readonly section: 'whois' | 'abuse'; readonly target: string };

/**
 * The question of a path's parts, checked as a mention's would be, and
 * never turned into a mention's text: a path has no dig options, no
 * resolver of choice and no other words. A name alone that a mention would
 * read as another question (help, an AS number, a prefix) is read so, for
 * the caller to say that it is no DNS question.
 */
export function questionFromPath(path: QuestionPath, options: QuestionOptions): Question {
  switch (path.section) {
    case 'dns': {
      const lone = path.types.length === 0 && !path.compare ? loneWordQuestion(path.name) : undefined;
      if (lone) return lone;
      const types: number[] = [];
      for (const word of path.types) {
        const codes = typeCodes(word);
        if (!codes) return questionOrInvalid(typeProblem(word) ?? ({ kind: 'not-a-type', written: word } satisfies QuestionProblem));
        types.push(...codes);
      }
      return questionOrInvalid(dnsQuestion({ name: path.name, types, dig: {}, compare: path.compare }, options));
    }
    case 'bgp':
      return questionOrInvalid(bgpQuestion([path.target]));
    case 'whois':
    case 'abuse':
      return questionOrInvalid(whoisQuestion(path.section, [hostOf(path.target)]));
  }
}
