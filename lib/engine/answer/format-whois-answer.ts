/**
 * The answer to `whois` and `abuse` in words: what the registry says, and
 * where the DNS and BGP agree with it or not. Every string from RDAP is
 * untrusted (anyone who runs a registry, a registrar or an RIR database
 * object writes it) and goes through neutraliseText.
 */
import type { RouteAnswer } from '../../bgp/bgp-source.ts';
import { formatIpAddress, formatPrefix, inPrefix, samePrefix } from '../../net/ip-address.ts';
import type { BootstrapInfo } from '../../rdap/bootstrap-store.ts';
import type { DomainFound, Found } from '../../rdap/rdap-client.ts';
import { timeAndAge } from './duration.ts';
import {
  type NoRdapServiceError,
  RdapMalformedError,
  RdapNotFoundError,
  RdapQuestionTimeoutError,
  RdapRateLimitedError,
  RdapStatusError,
} from '../../rdap/errors.ts';
import { FetchRedirectError, FetchRefusedError, FetchTimeoutError, FetchTooLargeError, FetchUnreachableError } from '../../net/fetch-errors.ts';
import type { RdapAutnum, RdapContact, RdapDomain, RdapNetwork, RdapObject } from '../../rdap/rdap-objects.ts';
import { neutraliseText } from '../../reply/safe-text.ts';
import type { ReplyLine } from '../../reply/split-reply.ts';
import type { WhoisQuestion, WhoisTarget } from '../question/question.ts';
import { sourceFailureText } from './source-failure.ts';

const DAY_MS = 86_400_000;
/** Under this many days to go, the expiry is counted out. */
const EXPIRY_WARNING_DAYS = 30;
const MAX_REDACTIONS = 6;

/** The registries' RDAP and whois servers, by the end of their host names, and the RIR each is. */
const RIRS: readonly [RegExp, string][] = [
  [/(^|\.)arin\.net$/i, 'ARIN'],
  [/(^|\.)ripe\.net$/i, 'RIPE NCC'],
  [/(^|\.)apnic\.net$/i, 'APNIC'],
  [/(^|\.)lacnic\.net$/i, 'LACNIC'],
  [/(^|\.)afrinic\.net$/i, 'AFRINIC'],
];

/** What the resolver says of the domain, for the cross-checks: its NS set and whether the parent holds a DS. */
export interface DnsView {
  /** Host names, lower case, no trailing dot; undefined when the resolver gave no NS set, with `problem` saying why. */
  readonly nameservers?: readonly string[];
  /** DS records in the parent; undefined when unknown. */
  readonly dsRecords?: number;
  readonly problem?: string;
}

/** The question's target as the reply writes it. */
export function targetText(target: WhoisTarget): string {
  if (target.kind === 'domain') return target.name.unicode === target.name.ascii ? target.name.ascii : `${target.name.unicode} (${target.name.ascii})`;
  if (target.kind === 'asn') return `AS${target.asn}`;
  if (target.kind === 'address') return formatIpAddress(target.address);
  return formatPrefix({ address: target.prefix, length: target.length });
}

export function headLine(question: WhoisQuestion): ReplyLine {
  return { text: `🪪 ${question.abuseOnly ? 'abuse' : 'whois'} ${targetText(question.target)}` };
}

/** A domain: the registry's record, the registrar's where the registry links to one, and the DNS's view beside them. */
export function formatDomainAnswer(found: DomainFound, dns: DnsView, registeredNote?: string): ReplyLine[] {
  const registry = found.object;
  const registrar = found.registrar && 'object' in found.registrar ? found.registrar.object : undefined;
  const lines: string[] = [];
  if (registeredNote) lines.push(registeredNote);
  const registrarContact = registrar?.registrar ?? registry.registrar;
  if (registrarContact) lines.push(`Registrar: ${registrarText(registrarContact)}`);
  const status = registry.status.length ? registry.status : (registrar?.status ?? []);
  if (status.length) lines.push(`Status: ${status.map(eppStatus).join(', ')}`);
  const dates = datesText(registry.registered ?? registrar?.registered, registry.updated ?? registrar?.updated, registry.expires ?? registrar?.expires);
  if (dates) lines.push(dates);
  if (registry.nameservers.length) lines.push(`Name servers: ${registry.nameservers.join(', ')}`);
  lines.push(signedText(registry));
  const holder = registrar?.holder ?? registry.holder;
  if (holder) lines.push(`Holder: ${contactText(holder)}`);
  const abuse = registrar?.abuse ?? registry.abuse;
  if (abuse?.email) lines.push(`Abuse: ${abuse.email}`);
  const redacted = [...new Set([...registry.redacted, ...(registrar?.redacted ?? [])])];
  if (redacted.length) lines.push(redactedText(redacted));
  lines.push(...nameServerCheck(registry.nameservers, dns), ...dsCheck(registry, dns));
  if (found.registrar && 'error' in found.registrar) lines.push(`The registrar's RDAP server ${errorText(found.registrar.error, 'the registrar’s record')}`);
  const sources = new Set([hostOf(found.url), ...(registrar && found.registrar && 'url' in found.registrar ? [hostOf(found.registrar.url)] : [])]);
  lines.push(`Source: RDAP, ${[...sources].join(' and ')}`);
  return lines.map((text) => ({ text: neutraliseText(text) }));
}

/** An address or prefix: the registered range and who holds it, and what BGP shows of it. */
export function formatNetworkAnswer(found: Found<RdapNetwork>, route?: RouteAnswer | { readonly error: unknown }): ReplyLine[] {
  const network = found.object;
  const range = `${formatIpAddress(network.startAddress)} – ${formatIpAddress(network.endAddress)}`;
  const facts = [network.name, network.type, network.country].filter(Boolean).join(', ');
  const lines = [`${network.cidrs.map(formatPrefix).join(', ')} (${range})${facts ? `: ${facts}` : ''}`];
  if (network.handle) lines.push(`Handle: ${network.handle}${network.parentHandle ? `, parent ${network.parentHandle}` : ''}`);
  lines.push(...commonLines(network));
  if (route) lines.push(routeCheck(network, route));
  lines.push(sourceText(network, found.url));
  return lines.map((text) => ({ text: neutraliseText(text) }));
}

export function formatAutnumAnswer(found: Found<RdapAutnum>): ReplyLine[] {
  const autnum = found.object;
  const numbers = autnum.startAutnum === autnum.endAutnum ? `AS${autnum.startAutnum}` : `AS${autnum.startAutnum}–AS${autnum.endAutnum}`;
  const facts = [autnum.name, autnum.type, autnum.country].filter(Boolean).join(', ');
  const lines = [`${numbers}${facts ? `: ${facts}` : ''}`, ...commonLines(autnum), sourceText(autnum, found.url)];
  return lines.map((text) => ({ text: neutraliseText(text) }));
}

/** `abuse X`: the mailbox alone, and what it is the mailbox of. */
export function formatAbuseAnswer(found: Found<RdapNetwork | RdapAutnum>): ReplyLine[] {
  const object = found.object;
  const of = object.objectClass === 'autnum' ? `AS${object.startAutnum}` : object.cidrs.map(formatPrefix).join(', ');
  const registry = registryName(object, found.url);
  const text = object.abuse?.email
    ? `Abuse mailbox for ${of} (${registry}): ${object.abuse.email}`
    : `${registry} names no abuse mailbox for ${of}${object.holder ? `; the holder is ${contactText(object.holder)}` : ''}.`;
  return [{ text: neutraliseText(text) }];
}

/** Holder, abuse contact, dates and redactions, as networks and autnums show them. */
function commonLines(object: RdapNetwork | RdapAutnum): string[] {
  const lines: string[] = [];
  if (object.holder) lines.push(`Holder: ${contactText(object.holder)}`);
  lines.push(object.abuse?.email ? `Abuse: ${object.abuse.email}` : 'Abuse: no mailbox given');
  const dates = datesText(object.registered, object.updated, undefined);
  if (dates) lines.push(dates);
  if (object.redacted.length) lines.push(redactedText(object.redacted));
  return lines;
}

/** A registrar by its name and IANA id, which is what identifies it (its handle is often the same number). */
function registrarText(registrar: RdapContact): string {
  if (!registrar.ianaId) return contactText(registrar);
  return `${registrar.organisation ?? 'name not given'} (IANA ${registrar.ianaId})`;
}

/** An organisation by its name and handle; a person or a redacted name by its handle alone. */
function contactText(contact: RdapContact): string {
  const handle = contact.handle ? ` (${contact.handle})` : '';
  if (contact.organisation) return `${contact.organisation}${handle}`;
  const what = contact.kind === 'individual' ? 'a person, name not shown' : 'name not given';
  return contact.handle ? `${contact.handle} (${what})` : what;
}

/** RDAP status values (RFC 8056 §2) as the EPP words people know: `client transfer prohibited` → clientTransferProhibited, `active` → ok. */
function eppStatus(status: string): string {
  if (/^active$/i.test(status)) return 'ok';
  if (!/^[a-z]+( [a-z]+)*$/i.test(status)) return status;
  return status.toLowerCase().replace(/ ([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function datesText(registered: Date | undefined, updated: Date | undefined, expires: Date | undefined): string | undefined {
  const parts = [registered && `created ${day(registered)}`, updated && `updated ${day(updated)}`, expires && `expires ${day(expires)}${expiryText(expires)}`];
  const text = parts.filter(Boolean).join(', ');
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : undefined;
}

function expiryText(expires: Date): string {
  const days = Math.floor((expires.getTime() - Date.now()) / DAY_MS);
  if (days < 0) return ` (⚠️ ${-days} day${days === -1 ? '' : 's'} ago)`;
  return days < EXPIRY_WARNING_DAYS ? ` (⚠️ in ${days} day${days === 1 ? '' : 's'})` : '';
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function signedText(domain: RdapDomain): string {
  const ds = domain.dsCount ? ` (${domain.dsCount} DS)` : '';
  if (domain.delegationSigned === true) return `DNSSEC: the registry says the delegation is signed${ds}`;
  if (domain.delegationSigned === false) return 'DNSSEC: the registry says the delegation is not signed';
  return 'DNSSEC: the registry does not say whether the delegation is signed';
}

function redactedText(names: readonly string[]): string {
  const more = names.length > MAX_REDACTIONS ? ` and ${names.length - MAX_REDACTIONS} more` : '';
  return `Redacted by the registry: ${names.slice(0, MAX_REDACTIONS).join(', ')}${more}`;
}

/** The registry's name servers against the NS set the resolver returns. */
function nameServerCheck(registry: readonly string[], dns: DnsView): string[] {
  if (!dns.nameservers) return [`NS check: ${dns.problem ?? 'the resolver gave no NS set'}`];
  if (registry.length === 0) return [`NS check: the registry lists no name servers; the DNS has ${dns.nameservers.join(', ') || 'none'}`];
  const inDns = new Set(dns.nameservers);
  const atRegistry = new Set(registry);
  const onlyRegistry = registry.filter((name) => !inDns.has(name));
  const onlyDns = dns.nameservers.filter((name) => !atRegistry.has(name));
  if (onlyRegistry.length === 0 && onlyDns.length === 0) return ['✅ NS check: the DNS has the same name servers as the registry'];
  const parts = [
    onlyRegistry.length ? `only at the registry: ${onlyRegistry.join(', ')}` : undefined,
    onlyDns.length ? `only in the DNS: ${onlyDns.join(', ')}` : undefined,
  ];
  return [`⚠️ NS check: the registry and the DNS differ; ${parts.filter(Boolean).join('; ')}`];
}

/** delegationSigned against the DS records the parent serves. */
function dsCheck(domain: RdapDomain, dns: DnsView): string[] {
  if (dns.dsRecords === undefined) return [];
  const ds = `${dns.dsRecords} DS record${dns.dsRecords === 1 ? '' : 's'}`;
  if (domain.delegationSigned === undefined) return [`DS check: the parent has ${ds}`];
  if (domain.delegationSigned === dns.dsRecords > 0) return [`✅ DS check: the parent has ${ds}, as the registry says`];
  return domain.delegationSigned
    ? ['⚠️ DS check: the registry says signed, but the parent has no DS record']
    : [`⚠️ DS check: the registry says not signed, but the parent has ${ds}`];
}

/** The registered range against the route BGP knows: announced as registered, as a more-specific, covered by a less-specific, not at all, or by an origin the holder does not name. */
function routeCheck(network: RdapNetwork, route: RouteAnswer | { readonly error: unknown }): string {
  if ('error' in route) return `BGP check: the BGP source did not answer (${sourceFailureText(route.error)})`;
  if (!route.prefix) return '⚠️ BGP check: no announced route covers it';
  const announced = route.prefix;
  const shown = formatPrefix(announced);
  const origins = route.origins.map((asn) => `AS${asn}`).join(', ');
  const unnamed = network.originAutnums.length > 0 ? route.origins.filter((asn) => !network.originAutnums.includes(asn)) : [];
  const originNote = unnamed.length
    ? `; ⚠️ the holder names ${network.originAutnums.map((asn) => `AS${asn}`).join(', ')} as origins, not ${unnamed.map((asn) => `AS${asn}`).join(', ')}`
    : '';
  let relation: string;
  if (network.cidrs.some((cidr) => samePrefix(cidr, announced))) relation = `✅ BGP check: ${shown} is announced as registered, by ${origins}`;
  else if (inPrefix(network.startAddress, announced.address, announced.length) && inPrefix(network.endAddress, announced.address, announced.length))
    relation = `BGP check: announced only within a less-specific route, ${shown} by ${origins}`;
  else relation = `BGP check: announced as a more-specific, ${shown} by ${origins}, inside the registered range`;
  return `${relation}${originNote}`;
}

function sourceText(object: RdapObject, url: string): string {
  return `Source: RDAP, ${registryName(object, url)}${registryName(object, url) === hostOf(url) ? '' : ` (${hostOf(url)})`}`;
}

/** The RIR behind an answer, by its whois server or its RDAP host; else the host. */
function registryName(object: RdapObject, url: string): string {
  for (const host of [object.port43, hostOf(url)]) {
    const rir = host && RIRS.find(([pattern]) => pattern.test(host.replace(/^whois:\/\//i, '')));
    if (rir) return rir[1];
  }
  return hostOf(url);
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/**
 * An RDAP failure as the end of a sentence (“… did not answer in 5 s.”),
 * from its class; the subject (“The registry”) is the caller's. `what` names
 * the object asked for.
 */
export function errorText(error: unknown, what: string): string {
  if (error instanceof RdapNotFoundError) return `has no record of ${what} (404).`;
  if (error instanceof FetchTimeoutError) return `(${error.host}) did not answer within ${error.timeoutMs / 1000} s. Try again later.`;
  if (error instanceof RdapQuestionTimeoutError) return `did not answer within ${error.timeoutMs / 1000} s, the time a question has. Try again later.`;
  if (error instanceof FetchUnreachableError) return `(${error.host}) could not be reached (${error.reason}). Try again later.`;
  if (error instanceof RdapRateLimitedError)
    return `(${error.host}) asks us to slow down (HTTP 429)${error.retryAfterSeconds !== undefined ? `, for ${error.retryAfterSeconds} s` : ''}. Try again later.`;
  if (error instanceof RdapStatusError) return `(${error.host}) failed with HTTP status ${error.status}. Try again later.`;
  if (error instanceof FetchTooLargeError) return `(${error.host}) sent an answer larger than ${Math.round(error.maxBytes / 1024)} kB, which I do not read.`;
  if (error instanceof FetchRedirectError) return `(${error.host}) redirected badly: ${error.reason}.`;
  if (error instanceof FetchRefusedError) return `is not asked: ${error.reason}.`;
  if (error instanceof RdapMalformedError) return `(${error.host}) sent an answer I cannot read: ${error.reason}.`;
  throw error;
}

/** No RDAP service in the bootstrap registries for the TLD, range or AS. */
export function noServiceLines(error: NoRdapServiceError): ReplyLine[] {
  const how = error.httpOnly ? ' over https (only plain http is listed, which I do not use)' : '';
  return [{ text: neutraliseText(`No RDAP service for ${error.what}${how} in the IANA bootstrap registries, so I cannot say who holds it.`) }];
}

/** The `info` line of RDAP: where the bootstrap registries come from, and how old they are. */
export function bootstrapLine(info: BootstrapInfo): string {
  const origin = {
    operator: `the operator's files in ${info.dir}, never refreshed`,
    refreshed: "IANA's, refreshed at most once a day",
    shipped: 'the copy shipped with the bot, until a refresh from IANA succeeds',
  }[info.origin];
  const age = info.publication ? `, published ${timeAndAge(info.publication)}` : '';
  return `whois (RDAP): bootstrap registries from ${origin}${age}`;
}
