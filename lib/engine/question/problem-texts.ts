import { formatIpAddress, type IpAddress } from '../../net/ip-address.ts';
import { neutraliseText as visible } from '../../reply/safe-text.ts';
import type { InvalidQuestion, Question } from './question.ts';

/**
 * Why a question could not be read, or is refused, as the grammar found it:
 * the asker's words (`written`) as they came, made visible only when the
 * text is written here.
 */
export type QuestionProblem =
  | { readonly kind: 'too-long'; readonly characters: number }
  | { readonly kind: 'too-many-words'; readonly words: number }
  | { readonly kind: 'unknown-profile'; readonly written: string; readonly profiles: readonly string[] }
  | { readonly kind: 'other-server'; readonly server: string; readonly profiles: readonly string[] }
  | { readonly kind: 'reverse-without-address' }
  | { readonly kind: 'option-not-a-type'; readonly option: string; readonly written?: string }
  | { readonly kind: 'unknown-option'; readonly option: string }
  | { readonly kind: 'unknown-flag'; readonly flag: string }
  | { readonly kind: 'norecurse' }
  | { readonly kind: 'zone-transfer' }
  | { readonly kind: 'other-class'; readonly written: string }
  | { readonly kind: 'type-number'; readonly written: string }
  | { readonly kind: 'not-a-type'; readonly written: string }
  | { readonly kind: 'no-name' }
  | { readonly kind: 'several-names'; readonly names: readonly string[] }
  | { readonly kind: 'too-many-types'; readonly count: number; readonly max: number }
  | { readonly kind: 'comparison-types'; readonly count: number }
  | { readonly kind: 'comparison-profile' }
  | { readonly kind: 'trace-comparison' }
  | { readonly kind: 'trace-types'; readonly count: number }
  | { readonly kind: 'trace-profile'; readonly profile: string }
  | { readonly kind: 'zone-index'; readonly written: string; readonly address: string; readonly zone: string }
  | { readonly kind: 'address-with-types'; readonly address: IpAddress }
  | { readonly kind: 'reverse-not-an-address'; readonly written: string }
  /** The DNS name's own words (InvalidNameError), decided where names are read. */
  | { readonly kind: 'bad-name'; readonly problem: string; readonly hint: string }
  | { readonly kind: 'bgp-words' }
  | { readonly kind: 'bgp-target'; readonly written: string }
  | { readonly kind: 'asn-too-large'; readonly written: string }
  | { readonly kind: 'prefix-length'; readonly written: string; readonly version: 4 | 6 }
  | { readonly kind: 'paths-of-asn' }
  | { readonly kind: 'whois-words'; readonly command: string }
  | { readonly kind: 'abuse-of-domain' }
  | { readonly kind: 'whois-root' };

/** Understood, and not offered: said as a refusal, not as a misreading. */
const REFUSED: ReadonlySet<QuestionProblem['kind']> = new Set(['other-server', 'norecurse', 'zone-transfer']);

const FLAG_LIST = '+short, +dnssec, +cd, +tcp, +nsid and +trace, with -x ADDRESS, -t TYPE, -4 and -6';
const TYPE_EXAMPLES = 'record types are A, AAAA, MX, TXT, NS, SOA, CAA, …';
const BGP_USAGE = 'ask e.g. “bgp 192.0.2.1”, “bgp 2001:db8::/32”, “bgp path 192.0.2.1” or “AS64500”';
const WHOIS_USAGE = 'ask e.g. “whois example.com”, “whois 192.0.2.1”, “whois 2001:db8::/32”, “whois AS64500” or “abuse 192.0.2.1”';

/** The invalid question that says `problem`: what was wrong and what would work, in the one place these texts are written. */
export function invalidQuestion(problem: QuestionProblem): InvalidQuestion {
  const [what, hint] = problemText(problem);
  return REFUSED.has(problem.kind) ? { kind: 'invalid', problem: what, hint, refused: true } : { kind: 'invalid', problem: what, hint };
}

/** A grammar's reading as the engine takes it: the question, or the invalid one that says the problem. */
export function questionOrInvalid(read: Question | QuestionProblem): Question {
  return isQuestion(read) ? read : invalidQuestion(read);
}

const QUESTION_KINDS: ReadonlySet<string> = new Set<Question['kind']>(['help', 'info', 'dns', 'bgp', 'whois', 'invalid']);

function isQuestion(read: Question | QuestionProblem): read is Question {
  return QUESTION_KINDS.has(read.kind);
}

/** What was wrong, and what would work instead. */
function problemText(problem: QuestionProblem): readonly [string, string] {
  switch (problem.kind) {
    case 'too-long':
      return [`your question is ${problem.characters} characters long`, 'ask one name, e.g. “example.com MX”'];
    case 'too-many-words':
      return [`your question has ${problem.words} words`, 'ask one name with up to a few types, e.g. “example.com A AAAA MX”'];
    case 'unknown-profile':
      return [
        `I know no resolver called “${visible(problem.written)}”`,
        problem.profiles.length ? `known resolvers: ${problem.profiles.join(', ')}` : 'this bot has no other resolvers configured',
      ];
    case 'other-server':
      return [
        `I do not ask “${visible(problem.server)}”: I only ask the resolvers my operator set up, so that nobody can point me at a server of their choosing`,
        problem.profiles.length
          ? `ask without it for the default resolver, or pick one of ${problem.profiles.map((p) => `“via ${p}”`).join(', ')}`
          : 'ask without it: this bot has one resolver',
      ];
    case 'reverse-without-address':
      return ['-x takes an address', 'ask e.g. “-x 192.0.2.1”'];
    case 'option-not-a-type':
      return [
        `${problem.written === undefined ? 'nothing' : `“${visible(problem.written)}”`} after ${visible(problem.option)} is not a record type`,
        'ask e.g. “-t MX”',
      ];
    case 'unknown-option':
      return [`I do not know the option ${visible(problem.option)}`, `the options I understand are ${FLAG_LIST}`];
    case 'unknown-flag':
      return [`I do not know +${visible(problem.flag)}`, `the options I understand are ${FLAG_LIST}`];
    case 'norecurse':
      return [
        '+norecurse is not offered: a non-recursive question reads the resolver’s cache, and so what its other users looked up',
        'ask without it; the answer says when it came from my own cache',
      ];
    case 'zone-transfer':
      return ['zone transfers (AXFR, IXFR) are not offered', 'ask for the record types you want, e.g. “example.com NS SOA MX”, or ANY'];
    case 'other-class':
      return [`I only ask class IN, not “${visible(problem.written)}”`, 'ask without the class'];
    case 'type-number':
      return [`${visible(problem.written)} is not a record type I can ask`, 'types go from TYPE1 to TYPE65535, except meta types like OPT or AXFR'];
    case 'not-a-type':
      return [`“${visible(problem.written)}” is not a record type`, TYPE_EXAMPLES];
    case 'no-name':
      return ['which name should I look up?', 'write the name first, e.g. “example.com MX”'];
    case 'several-names':
      return [
        `I can look up one name at a time, and I read ${problem.names.length}: ${problem.names.map((n) => `“${visible(n)}”`).join(', ')}`,
        `ask e.g. “example.com MX”; ${TYPE_EXAMPLES}`,
      ];
    case 'too-many-types':
      return [`you asked for ${problem.count} record types`, `I answer up to ${problem.max} types in one question`];
    case 'comparison-types':
      return [`a comparison takes one record type, and you asked for ${problem.count}`, 'compare one type at a time, e.g. “example.com AAAA compare”'];
    case 'comparison-profile':
      return ['a comparison asks every resolver, so it takes no “via NAME”', 'ask e.g. “example.com compare”'];
    case 'trace-comparison':
      return ['+trace and compare are two different questions', 'ask “example.com +trace” or “example.com compare”'];
    case 'trace-types':
      return [`+trace follows one record type, and you asked for ${problem.count}`, 'ask e.g. “example.com MX +trace”'];
    case 'trace-profile':
      return [`+trace asks the root servers and each zone’s own servers, not the resolver “${visible(problem.profile)}”`, 'ask without via or @'];
    case 'zone-index':
      return [
        `“${visible(problem.written)}” carries a zone index (%${visible(problem.zone)}), which names a network interface of your own machine`,
        `send the address without it, “${visible(problem.address)}”, for its reverse (PTR) name`,
      ];
    case 'address-with-types':
      return [`${formatIpAddress(problem.address)} is an address, not a name`, 'send the address alone for its reverse (PTR) name'];
    case 'reverse-not-an-address':
      return [`“${visible(problem.written)}” after -x is not an IP address`, 'ask e.g. “-x 192.0.2.1” or “-x 2001:db8::1”'];
    case 'bad-name':
      return [problem.problem, problem.hint];
    case 'bgp-words':
      return ['a BGP question takes one address, prefix or AS number', BGP_USAGE];
    case 'bgp-target':
      return [`“${visible(problem.written)}” is not an IP address, prefix or AS number`, BGP_USAGE];
    case 'asn-too-large':
      return [`${visible(problem.written)} is not an AS number`, 'AS numbers go up to 4294967295'];
    case 'prefix-length': {
      const max = problem.version === 4 ? 32 : 128;
      return [`/${visible(problem.written)} is not a prefix length for IPv${problem.version}`, `use /0 to /${max}`];
    }
    case 'paths-of-asn':
      return ['“bgp path” lists the AS paths to an address or prefix, not to an AS', 'ask e.g. “bgp path 192.0.2.1”'];
    case 'whois-words':
      return [`“${visible(problem.command)}” takes one name, address, prefix or AS number`, WHOIS_USAGE];
    case 'abuse-of-domain':
      return ['“abuse” takes an address, prefix or AS number', 'for a domain, “whois example.com” shows its registrar’s abuse mailbox'];
    case 'whois-root':
      return ['the root has no registration', WHOIS_USAGE];
  }
}
