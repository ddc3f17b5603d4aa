import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { formatIpAddress, parseIpAddress, type IpAddress } from '../../net/ip-address.ts';
import { DnsNetworkError, DnsTimeoutError } from '../errors.ts';
import { RecordType } from '../record-types.ts';
import type { DnsQuestion, DnsRecord, DnsResponse } from '../resolver.ts';
import {
  CnameLoopError,
  LameDelegationError,
  NoServerAnsweredError,
  ReferralLoopError,
  TraceFailure,
  TraceLimitError,
  UnresolvableDelegationError,
  UnroutableAddressError,
  ForbiddenNameError,
} from './errors.ts';
import type { NameServer, ServerQuery } from './name-server.ts';
import type { StepOutcome, Trace, TraceStep } from './trace.ts';

export interface TraceLimits {
  readonly maxReferrals: number;
  readonly maxQueries: number;
  readonly timeoutMs: number;
}

export interface IterativeResolverOptions {
  /** Where every trace starts (DNS_ROOT_HINTS). */
  readonly rootHints: readonly NameServer[];
  readonly ask: ServerQuery;
  /** Why no query may go to this address, or undefined when one may: the operator's policy, checked before every query. */
  readonly refuseAddress: (address: IpAddress) => string | undefined;
  /** Why no query may ask about this name (a CNAME's target, a name server's name), or undefined: checked before every query too. */
  readonly refuseName?: (name: string) => string | undefined;
  readonly limits: TraceLimits;
}

/** dig and resolvers give up on CNAME chains about this long (Unbound: 11, BIND: 16); a trace asks from the root for each. */
const MAX_CNAMES = 8;
const RCODE_NOERROR = 0;
const RCODE_NXDOMAIN = 3;
const DNS_PORT = 53;

/**
 * Resolves a name the way dig +trace does: from the root hints down the
 * delegations, asking each zone's servers without RD, using glue when the
 * referral has it (and it is in bailiwick) and resolving the name servers'
 * names from the root when it has not, following CNAMEs from the root again.
 * A server that does not answer or is lame is recorded and the next one is
 * asked. Every trace stops at its limits, and no query goes to an address
 * the policy refuses.
 */
export class IterativeResolver {
  constructor(private readonly options: IterativeResolverOptions) {}

  /** Never rejects for what the servers do: how far it got and why it stopped are in the trace. Rejects with the signal's reason. */
  async trace(question: DnsQuestion, signal?: AbortSignal): Promise<Trace> {
    const { timeoutMs } = this.options.limits;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new TraceLimitError('time', timeoutMs)), timeoutMs);
    const run = new TraceRun(this.options, question, signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal);
    const started = performance.now();
    const done = (fields: Pick<Trace, 'answer' | 'failure'>): Trace => ({
      question,
      steps: run.steps,
      queries: run.queries,
      referrals: run.referrals,
      elapsedMs: performance.now() - started,
      ...fields,
    });
    try {
      return done({ answer: await run.followCnames() });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof TraceFailure) return done({ failure: error });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A server named in a referral, with its glue address when there was one. */
interface Candidate {
  readonly name?: string;
  readonly address?: string;
  readonly port: number;
}

/** What a zone's servers said: the authoritative answer, or where to go next. */
type ZoneAnswer =
  | { readonly kind: 'answer'; readonly response: DnsResponse }
  | { readonly kind: 'referral'; readonly zone: string; readonly servers: Candidate[] };

/** One trace in progress: its steps and what it has spent of its limits. */
class TraceRun {
  readonly steps: TraceStep[] = [];
  queries = 0;
  referrals = 0;

  constructor(
    private readonly options: IterativeResolverOptions,
    private readonly question: DnsQuestion,
    private readonly signal: AbortSignal,
  ) {}

  async followCnames(): Promise<Trace['answer']> {
    const records: DnsRecord[] = [];
    const passed = new Set<string>();
    let name = this.question.name;
    for (let hops = 0; ; hops++) {
      if (passed.has(name.toLowerCase())) throw new CnameLoopError(name);
      if (hops > MAX_CNAMES) throw new TraceLimitError('cnames', MAX_CNAMES);
      passed.add(name.toLowerCase());
      const response = await this.authoritative(name, this.question.type);
      records.push(...response.answers);
      const target = cnameTarget(response, name, this.question.type);
      if (target === undefined) return { rcode: response.rcode, records };
      name = target;
    }
  }

  /** Follows the delegations from the root to an authoritative answer for name and type. */
  private async authoritative(name: string, type: number, resolving: readonly string[] = []): Promise<DnsResponse> {
    let zone = '.';
    let servers: Candidate[] = [...this.options.rootHints];
    for (;;) {
      const next = await this.askZone(zone, servers, name, type, resolving);
      if (next.kind === 'answer') return next.response;
      zone = next.zone;
      servers = next.servers;
    }
  }

  /** Asks the zone's servers in turn until one answers with authority or a referral closer to the name. */
  private async askZone(zone: string, candidates: readonly Candidate[], name: string, type: number, resolving: readonly string[]): Promise<ZoneAnswer> {
    let lame = 0;
    let silent = 0;
    const unresolved: string[] = [];
    for await (const server of this.addressed(candidates, resolving, unresolved)) {
      const step = (outcome: StepOutcome, elapsedMs: number) =>
        this.steps.push({ zone, server, name, outcome, elapsedMs, ...(resolving.length ? { resolving: resolving.at(-1) } : {}) });
      const asked = performance.now();
      let response: DnsResponse;
      try {
        response = await this.query(zone, server, name, type);
      } catch (error) {
        if (!(error instanceof DnsTimeoutError || error instanceof DnsNetworkError)) throw error;
        step({ kind: 'no-answer', error }, performance.now() - asked);
        silent++;
        continue;
      }
      const referral = referralOf(response, name);
      if (referral) {
        step({ kind: 'referral', zone: referral.zone, nameservers: referral.servers.length, glue: referral.glue, signed: referral.signed }, response.elapsedMs);
        if (!isBelow(referral.zone, zone)) throw new ReferralLoopError(zone, referral.zone, server);
        if (++this.referrals > this.options.limits.maxReferrals) throw new TraceLimitError('referrals', this.options.limits.maxReferrals);
        return { kind: 'referral', zone: referral.zone, servers: glueInBailiwick(referral.servers, zone) };
      }
      if (response.authoritative && (response.rcode === RCODE_NOERROR || response.rcode === RCODE_NXDOMAIN)) {
        // Data for names outside the zone is not the server's to give (a server of several zones adds it to a CNAME): asked where it lives.
        const inZone = { ...response, answers: response.answers.filter((r) => isAtOrBelow(r.name, zone)) };
        const cname = cnameTarget(inZone, name, type);
        step({ kind: 'answer', rcode: inZone.rcode, records: inZone.answers.length, ...(cname ? { cname } : {}) }, response.elapsedMs);
        return { kind: 'answer', response: inZone };
      }
      step({ kind: 'lame', rcode: response.rcode }, response.elapsedMs);
      lame++;
    }
    if (lame) throw new LameDelegationError(zone, lame + silent);
    if (silent) throw new NoServerAnsweredError(zone, silent);
    throw new UnresolvableDelegationError(zone, unresolved);
  }

  /**
   * The zone's servers with an address: those with glue first, then the
   * names without, each resolved from the root only when every server before
   * it failed. A name that cannot be resolved is skipped (and listed in
   * `unresolved`); running out of limits or meeting a refused address ends
   * the trace.
   */
  private async *addressed(candidates: readonly Candidate[], resolving: readonly string[], unresolved: string[]): AsyncGenerator<NameServer> {
    const family = this.question.options?.family;
    const usable = (address: string) => !family || isIP(address) === family;
    for (const candidate of candidates) if (candidate.address !== undefined && usable(candidate.address)) yield candidate as NameServer;
    const glued = new Set(candidates.flatMap((c) => (c.address !== undefined && c.name ? [c.name.toLowerCase()] : [])));
    const names = [...new Set(candidates.flatMap((c) => (c.address === undefined && c.name ? [c.name] : [])))].filter((n) => !glued.has(n.toLowerCase()));
    for (const name of names) {
      // A name server whose own name needs it to resolve: the loop, not a look-up, ends here.
      if (resolving.some((r) => r.toLowerCase() === name.toLowerCase())) {
        unresolved.push(name);
        continue;
      }
      const addresses = await this.addressesOf(name, [...resolving, name]);
      if (addresses.length === 0) unresolved.push(name);
      for (const address of addresses) if (usable(address)) yield { name, address, port: DNS_PORT };
    }
  }

  /** A name server's addresses, from the root; none when its zone fails to say. */
  private async addressesOf(name: string, resolving: readonly string[]): Promise<string[]> {
    const family = this.question.options?.family;
    const types = family === 6 ? [RecordType.AAAA] : family === 4 ? [RecordType.A] : [RecordType.A, RecordType.AAAA];
    for (const type of types) {
      let response: DnsResponse;
      try {
        response = await this.authoritative(name, type, resolving);
      } catch (error) {
        if (
          error instanceof TraceLimitError ||
          error instanceof UnroutableAddressError ||
          error instanceof ForbiddenNameError ||
          !(error instanceof TraceFailure)
        )
          throw error;
        return [];
      }
      const addresses = addressesIn(response.answers);
      if (addresses.length || response.rcode === RCODE_NXDOMAIN) return addresses;
    }
    return [];
  }

  private async query(zone: string, server: NameServer, name: string, type: number): Promise<DnsResponse> {
    const forbidden = this.options.refuseName?.(name);
    if (forbidden !== undefined) throw new ForbiddenNameError(name, forbidden);
    const address = parseIpAddress(server.address);
    const refused = address ? this.options.refuseAddress(address) : 'not an IP address';
    if (refused !== undefined) throw new UnroutableAddressError(zone, server, refused);
    if (++this.queries > this.options.limits.maxQueries) throw new TraceLimitError('queries', this.options.limits.maxQueries);
    // DO, so that a referral carries its DS records and shows whether the child zone is signed.
    const options = { nonRecursive: true, dnssecRecords: true, tcp: this.question.options?.tcp };
    return untilAborted(this.options.ask(server, { name, type, options }, this.signal), this.signal);
  }
}

/** The limits hold even over a ServerQuery that does not listen to the signal. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The referral in a response: NS records (not authoritative, no answer) for a zone that contains the name. */
function referralOf(response: DnsResponse, name: string) {
  if (response.authoritative || response.rcode !== RCODE_NOERROR || response.answers.length > 0) return undefined;
  const ns = response.authorities.filter((r) => r.type === RecordType.NS && r.rdata.kind === 'name');
  const zone = ns[0]?.name;
  if (zone === undefined || !isAtOrBelow(name, zone)) return undefined;
  const names = [...new Set(ns.filter((r) => sameName(r.name, zone)).map((r) => (r.rdata.kind === 'name' ? withoutDot(r.rdata.target) : '')))];
  const servers: Candidate[] = names.flatMap((nsName) => {
    const glue = addressesIn(response.additionals.filter((r) => sameName(r.name, nsName)));
    return glue.length ? glue.map((address) => ({ name: nsName, address, port: DNS_PORT })) : [{ name: nsName, port: DNS_PORT }];
  });
  const signed = response.authorities.some((r) => r.type === RecordType.DS && sameName(r.name, zone));
  return { zone, servers, glue: servers.filter((s) => s.address !== undefined).length, signed };
}

/** Glue is believed only for names in the zone of the server that gave it (its bailiwick); other names are resolved. */
function glueInBailiwick(servers: readonly Candidate[], zone: string): Candidate[] {
  return servers.map((s) => (s.address === undefined || (s.name && isAtOrBelow(s.name, zone)) ? s : { name: s.name, port: s.port }));
}

/** The end of the CNAME chain an authoritative answer starts at `name`, when it ends without the type asked (to be asked from the root). */
function cnameTarget(response: DnsResponse, name: string, type: number): string | undefined {
  if (response.rcode !== RCODE_NOERROR || type === RecordType.CNAME) return undefined;
  let current = name;
  for (let i = 0; i <= response.answers.length; i++) {
    if (response.answers.some((r) => r.type === type && sameName(r.name, current))) return undefined;
    const alias = response.answers.find((r) => r.type === RecordType.CNAME && r.rdata.kind === 'name' && sameName(r.name, current));
    if (alias?.rdata.kind !== 'name') return current === name ? undefined : current;
    current = withoutDot(alias.rdata.target);
  }
  return current;
}

function addressesIn(records: readonly DnsRecord[]): string[] {
  return records.flatMap((r) =>
    r.rdata.kind === 'address' && (r.type === RecordType.A || r.type === RecordType.AAAA) ? [formatIpAddress(r.rdata.address)] : [],
  );
}

function withoutDot(name: string): string {
  return name.replace(/\.$/, '') || '.';
}

function labels(name: string): string[] {
  return name === '.' || name === '' ? [] : name.toLowerCase().replace(/\.$/, '').split('.');
}

function sameName(a: string, b: string): boolean {
  return labels(a).join('.') === labels(b).join('.');
}

function isAtOrBelow(name: string, zone: string): boolean {
  const [n, z] = [labels(name), labels(zone)];
  return n.length >= z.length && n.slice(n.length - z.length).join('.') === z.join('.');
}

function isBelow(name: string, zone: string): boolean {
  return isAtOrBelow(name, zone) && labels(name).length > labels(zone).length;
}
