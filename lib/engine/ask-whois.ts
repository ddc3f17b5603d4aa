/**
 * `whois` and `abuse`: asks RDAP, and beside it the resolver (a domain's NS
 * set and DS) and the BGP source (an address's route), for the cross-checks
 * no single source gives.
 */
import type { BgpSource, RouteAnswer } from '../bgp/bgp-source.ts';
import { RecordType } from '../dns/record-types.ts';
import type { Resolver } from '../dns/resolver.ts';
import { rcodeName } from '../dns/rcodes.ts';
import { MAX_BOOTSTRAP_BYTES } from '../rdap/bootstrap.ts';
import { BootstrapStore, type BootstrapRegistries } from '../rdap/bootstrap-store.ts';
import { NoRdapServiceError, RdapQuestionTimeoutError } from '../rdap/errors.ts';
import { rdapFetch } from '../rdap/rdap-fetch.ts';
import { RdapClient } from '../rdap/rdap-client.ts';
import type { Logger } from '../ops/logger.ts';
import { errorMessage } from '../ops/error-fields.ts';
import { sourceFailureText } from './answer/source-failure.ts';
import type { RdapConfig } from './config.ts';
import { ConfigError } from './config-error.ts';
import type { ReplyLine } from '../reply/split-reply.ts';
import { neutraliseText } from '../reply/safe-text.ts';
import {
  errorText,
  formatAbuseAnswer,
  formatAutnumAnswer,
  formatDomainAnswer,
  formatNetworkAnswer,
  headLine,
  noServiceLines,
  targetText,
  type DnsView,
} from './answer/format-whois-answer.ts';
import { refusedAddressRule, specialRange } from '../net/special-ranges.ts';
import type { WhoisQuestion } from './question/question.ts';

export interface WhoisSources {
  readonly rdap: RdapClient;
  /** The default resolver, for the NS and DS cross-checks. */
  readonly resolver: Resolver;
  readonly bgp?: BgpSource;
  /** All of one question's RDAP requests. */
  readonly timeoutMs: number;
}

/** An RDAP answer larger than this is refused: the largest real ones (a domain with many name servers) are some 30 kB. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** RDAP servers redirect between RIRs once, and from http to https; more is a loop or a trap. */
const MAX_REDIRECTS = 3;

/** The RDAP side of the engine: the client, and the bootstrap registries it asks where to go. */
export interface Whois {
  readonly client: RdapClient;
  readonly bootstrap: BootstrapRegistries;
}

/**
 * The RDAP client as RDAP_* configure it, or undefined when RDAP=off; the
 * bootstrap refresh is kept in `stateDir`. `ca` is for tests in one process
 * only (lib/net/guarded-fetch.ts).
 */
export async function openWhois(config: RdapConfig, options: { logger: Logger; stateDir?: string; ca?: string }): Promise<Whois | undefined> {
  if (!config.enabled) return undefined;
  const guard = {
    refuseAddress: refusedAddressRule(config.allowPrivate),
    timeoutMs: config.timeoutMs,
    maxRedirects: MAX_REDIRECTS,
    ...(options.ca !== undefined && { ca: options.ca }),
  };
  const bootstrap = await BootstrapStore.open({
    operatorDir: config.bootstrapDir,
    stateDir: options.stateDir,
    refreshUrl: config.bootstrapUrl,
    fetch: rdapFetch({ ...guard, maxBytes: MAX_BOOTSTRAP_BYTES }),
    logger: options.logger,
  }).catch((error: unknown) => {
    // Only the operator's folder is read at start in a way that can fail.
    throw new ConfigError('RDAP_BOOTSTRAP_DIR', errorMessage(error));
  });
  return { bootstrap, client: new RdapClient({ bootstrap: () => bootstrap.current(), fetch: rdapFetch({ ...guard, maxBytes: MAX_ANSWER_BYTES }) }) };
}

/** AS numbers no registry holds for anyone (IANA's special-purpose AS numbers registry). */
const SPECIAL_ASNS: readonly [first: number, last: number, description: string][] = [
  [0, 0, 'reserved (RFC 7607)'],
  [23456, 23456, 'AS_TRANS, the stand-in for 4-byte AS numbers (RFC 6793)'],
  [64496, 64511, 'for documentation (RFC 5398)'],
  [64512, 65534, 'for private use (RFC 6996)'],
  [65535, 65535, 'reserved (RFC 7300)'],
  [65536, 65551, 'for documentation (RFC 5398)'],
  [4200000000, 4294967294, 'for private use (RFC 6996)'],
  [4294967295, 4294967295, 'reserved (RFC 7300)'],
];

export async function askWhois(question: WhoisQuestion, sources: WhoisSources, signal?: AbortSignal): Promise<ReplyLine[]> {
  // The question's own time limit aborts with a reason of its own, which errorText words; the caller's abort goes on up as it is.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new RdapQuestionTimeoutError(sources.timeoutMs)), sources.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  const head = headLine(question);
  try {
    return [head, ...(await answerLines(question, sources, combined))];
  } catch (error) {
    if (error instanceof NoRdapServiceError) return [head, ...noServiceLines(error)];
    return [head, { text: neutraliseText(`The registry ${errorText(error, targetText(question.target))}`) }];
  } finally {
    clearTimeout(timer);
  }
}

async function answerLines(question: WhoisQuestion, sources: WhoisSources, signal: AbortSignal): Promise<ReplyLine[]> {
  const { target } = question;
  const { rdap } = sources;
  if (target.kind === 'domain') return domainLines(target.name.ascii, sources, signal);
  if (target.kind === 'asn') {
    const special = SPECIAL_ASNS.find(([first, last]) => first <= target.asn && target.asn <= last);
    if (special) return [{ text: `AS${target.asn} is ${special[2]}: no registry holds it for anyone.` }];
    const found = await rdap.autnum(target.asn, signal);
    return question.abuseOnly ? formatAbuseAnswer(found) : formatAutnumAnswer(found);
  }
  const [address, length] = target.kind === 'address' ? [target.address, undefined] : [target.prefix, target.length];
  const special = specialRange(address, length);
  if (special) return [{ text: `It is in ${special.cidr}, ${special.description}: not registered to anyone.` }];
  const [found, route] = await Promise.all([rdap.network(address, length, signal), question.abuseOnly ? undefined : routeOf(sources.bgp, target)]);
  return question.abuseOnly ? formatAbuseAnswer(found) : formatNetworkAnswer(found, route);
}

async function domainLines(asked: string, sources: WhoisSources, signal: AbortSignal): Promise<ReplyLine[]> {
  // The Public Suffix List's ICANN part says where registrations are made: www.example.co.uk is registered as example.co.uk.
  // Loaded on the first such question: the list is large, and a bot's start should not wait for it.
  const { getDomain } = await import('tldts');
  const registered = getDomain(asked, { allowPrivateDomains: false }) ?? undefined;
  if (registered === undefined)
    return [{ text: neutraliseText(`${asked} is a public suffix, where others register names: ask about a name registered under it.`) }];
  const note = registered === asked ? undefined : `${asked} is under ${registered}, the registered domain: this is about ${registered}.`;
  const [found, dns] = await Promise.all([sources.rdap.domain(registered, signal), dnsView(sources.resolver, registered, signal)]);
  return formatDomainAnswer(found, dns, note);
}

/** The NS set the resolver returns and the DS records of the parent, for the cross-checks. */
async function dnsView(resolver: Resolver, name: string, signal: AbortSignal): Promise<DnsView> {
  const [ns, ds] = await Promise.allSettled([resolver.resolve({ name, type: RecordType.NS }, signal), resolver.resolve({ name, type: RecordType.DS }, signal)]);
  const dsRecords = ds.status === 'fulfilled' && ds.value.rcode === 0 ? ds.value.answers.filter((record) => record.type === RecordType.DS).length : undefined;
  if (ns.status === 'rejected') return { dsRecords, problem: `the resolver gave no NS set: ${sourceFailureText(ns.reason)}` };
  if (ns.value.rcode !== 0) return { dsRecords, problem: `the resolver answered ${rcodeName(ns.value.rcode)} for the NS set` };
  const nameservers = ns.value.answers.flatMap((record) =>
    record.type === RecordType.NS && record.rdata.kind === 'name' ? [record.rdata.target.toLowerCase().replace(/\.$/, '')] : [],
  );
  return { nameservers, dsRecords };
}

async function routeOf(bgp: BgpSource | undefined, target: WhoisQuestion['target']): Promise<RouteAnswer | { error: unknown } | undefined> {
  if (!bgp || (target.kind !== 'address' && target.kind !== 'prefix')) return undefined;
  return bgp.route(target).catch((error: unknown) => ({ error }));
}
