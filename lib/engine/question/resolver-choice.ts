import { parseIpAddress } from '../../net/ip-address.ts';
import type { QuestionProblem } from './problem-texts.ts';

/** The word `compare`, which `via all` and `@all` also stand for: the question to every resolver, side by side. */
const COMPARE = 'compare';

export function isCompareWord(word: string): boolean {
  return /^compare$/i.test(word);
}

/** The resolver a question picked, and its other words; `via all` and `@all` are left as `compare`. */
export interface ResolverChoice {
  readonly profile: string | undefined;
  readonly rest: readonly string[];
}

/**
 * Takes `via NAME` and `@NAME` (a configured profile) off the words. An
 * `@SERVER` (an address or host name, as dig writes it) is refused: the bot
 * asks only its operator's resolvers. Any other `@word` is an account's
 * mention, not part of the question.
 */
export function chooseResolver(words: readonly string[], profiles: readonly string[]): ResolverChoice | QuestionProblem {
  const known = new Map(profiles.map((p) => [p.toLowerCase(), p]));
  const rest: string[] = [];
  let profile: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    let asked: string | undefined;
    if (/^via$/i.test(word) && i + 1 < words.length) asked = words[++i];
    else if (word.startsWith('@')) {
      const name = word.slice(1);
      if (/^all$/i.test(name) && !known.has('all')) {
        rest.push(COMPARE);
        continue;
      }
      if (!known.has(name.toLowerCase())) {
        if (isServer(name)) return otherServer(name, profiles);
        continue;
      }
      asked = name;
    } else {
      rest.push(word);
      continue;
    }
    const match = known.get(asked.replace(/^@/, '').toLowerCase());
    if (!match && /^all$/i.test(asked)) {
      rest.push(COMPARE);
      continue;
    }
    if (!match) return { kind: 'unknown-profile', written: asked, profiles };
    profile = match;
  }
  return { profile, rest };
}

/** `1.1.1.1`, `[2001:db8::53]:53`, `dns.example#53`: a server, where an account would be `@name` or `@name@domain`. */
export function isServer(word: string): boolean {
  // The port may follow as `#53` (dig's own notation) or `:53`; sentence punctuation has taken a closing bracket already.
  const host = word.replace(/#\d+$/, '').replace(/^\[([^\]]*)\]?(:\d+)?$/, '$1');
  // `localhost` is how operators run dig against their own resolver: a server, not an account.
  return (
    parseIpAddress(host) !== undefined || parseIpAddress(host.replace(/:\d+$/, '')) !== undefined || /^[^@]+\.[^@]+$/.test(host) || /^localhost$/i.test(host)
  );
}

/** The refusal of a server of the asker's choosing (`@1.1.1.1`, host's second name). */
export function otherServer(written: string, profiles: readonly string[]): QuestionProblem {
  return { kind: 'other-server', server: written.replace(/^\[/, '').replace(/\](:\d+)?$/, ''), profiles };
}
