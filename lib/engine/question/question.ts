import type { BgpQuery } from '../../bgp/bgp-source.ts';
import type { DnsName } from '../../dns/name.ts';
import type { IpAddress } from '../../net/ip-address.ts';

/** What the engine is asked, read once from a mention's text (parse-question.ts) or an HTTP path (path-question.ts). */
export type Question = { readonly kind: 'help' } | { readonly kind: 'info' } | DnsQuestionRequest | BgpQuestion | WhoisQuestion | InvalidQuestion;

export interface DnsQuestionRequest {
  readonly kind: 'dns';
  readonly name: DnsName;
  readonly types: readonly number[];
  /** A named upstream profile (`via cn`, `@cn`), or undefined for the default one. */
  readonly profile?: string;
  /** Set for a reverse lookup: the address whose PTR is asked. */
  readonly address?: IpAddress;
  /** dig's options as the asker wrote them (`+short`, `-4`, …). */
  readonly dig: DigOptions;
  /** `compare` or `via all`: the same question to every configured resolver, side by side. */
  readonly compare?: boolean;
}

/** The dig options the bot understands; each one is off unless asked for. */
export interface DigOptions {
  /** `+short`: the data alone, one value a line. */
  readonly short?: boolean;
  /** `+dnssec`: ask for the DNSSEC records (DO) and show them. */
  readonly dnssec?: boolean;
  /** `+cd`: ask the resolver not to validate. */
  readonly checkingDisabled?: boolean;
  /** `+tcp` (`+vc`): ask over TCP. */
  readonly tcp?: boolean;
  /** `+nsid`: show which server instance answered. */
  readonly nsid?: boolean;
  /** `-4`, `-6`: ask only the resolvers at an address of this IP version. */
  readonly family?: 4 | 6;
  /** `+trace`: resolve from the root servers down, as dig +trace does, instead of asking the resolver. */
  readonly trace?: boolean;
}

/** `bgp ADDRESS|PREFIX|ASN`, `bgp path ADDRESS|PREFIX`. */
export interface BgpQuestion {
  readonly kind: 'bgp';
  readonly query: BgpQuery;
  readonly listPaths?: boolean;
}

/** What `whois` asks about: a domain name, or what a BGP question would take (an address, a prefix, an AS number). */
export type WhoisTarget = { readonly kind: 'domain'; readonly name: DnsName } | BgpQuery;

/** `whois X`, `rdap X`: who holds it; `abuse X`: its abuse mailbox alone. */
export interface WhoisQuestion {
  readonly kind: 'whois';
  readonly target: WhoisTarget;
  readonly abuseOnly: boolean;
}

/** A question that could not be read, or that is refused; its words come from problem-texts.ts. */
export interface InvalidQuestion {
  readonly kind: 'invalid';
  /** What was wrong, for the asker. */
  readonly problem: string;
  /** What would work instead. */
  readonly hint: string;
  /** Understood, and not offered (a zone transfer, another server): said as a refusal, not as a misreading. */
  readonly refused?: boolean;
  /** The text reads as a command line (a tool's name, a +flag, an -option): a question, even one that could not be read. */
  readonly command?: boolean;
}

export interface QuestionOptions {
  /** Names of the configured upstream profiles, for `via NAME` and `@NAME`. */
  readonly profiles: readonly string[];
  /** How many record types one question may ask. */
  readonly maxTypes: number;
}
