import type { NameServer } from './name-server.ts';

/** Why a trace ended before an authoritative answer; what the trace did until then stays in its steps. */
export abstract class TraceFailure extends Error {}

/** One of the hard limits every trace has: referrals, queries, CNAMEs followed, or time. */
export class TraceLimitError extends TraceFailure {
  override readonly name = 'TraceLimitError';
  constructor(
    readonly limit: 'referrals' | 'queries' | 'cnames' | 'time',
    readonly value: number,
  ) {
    super(`the trace reached its limit of ${value} ${limit === 'time' ? 'ms' : limit}`);
  }
}

/** Every server of the zone that answered was lame: no authoritative answer and no referral (RFC 1912 §2.8). */
export class LameDelegationError extends TraceFailure {
  override readonly name = 'LameDelegationError';
  constructor(
    readonly zone: string,
    readonly servers: number,
  ) {
    super(`${servers} server(s) of ${zone} answered neither with authority nor with a referral`);
  }
}

/** No server of the zone answered at all. */
export class NoServerAnsweredError extends TraceFailure {
  override readonly name = 'NoServerAnsweredError';
  constructor(
    readonly zone: string,
    readonly servers: number,
  ) {
    super(`none of the ${servers} server(s) of ${zone} answered`);
  }
}

/** The zone is delegated to names without glue, none of which resolves to an address. */
export class UnresolvableDelegationError extends TraceFailure {
  override readonly name = 'UnresolvableDelegationError';
  constructor(
    readonly zone: string,
    readonly nameservers: readonly string[],
  ) {
    super(`no name server of ${zone} resolves: ${nameservers.join(', ')}`);
  }
}

/** A server referred to a zone that is not below the one it was asked for: following it would go round in circles. */
export class ReferralLoopError extends TraceFailure {
  override readonly name = 'ReferralLoopError';
  constructor(
    readonly zone: string,
    readonly referredTo: string,
    readonly server: NameServer,
  ) {
    super(`asked for ${zone}, ${server.address} referred to ${referredTo}, which is not below it`);
  }
}

/** A CNAME chain that comes back to a name it passed. */
export class CnameLoopError extends TraceFailure {
  override readonly name = 'CnameLoopError';
  constructor(readonly target: string) {
    super(`the CNAME chain comes back to ${target}`);
  }
}

/** A referral, its glue or a name server's name leads to an address the trace must not send to (the operator's policy). */
export class UnroutableAddressError extends TraceFailure {
  override readonly name = 'UnroutableAddressError';
  constructor(
    readonly zone: string,
    readonly server: NameServer,
    readonly reason: string,
  ) {
    super(`${server.name ?? 'a root hint'} of ${zone} is at ${server.address}: ${reason}`);
  }
}

/** A CNAME or a name server's name leads under a name the trace must not ask about (DNS_FORBIDDEN_NAMES). */
export class ForbiddenNameError extends TraceFailure {
  override readonly name = 'ForbiddenNameError';
  constructor(
    readonly forbiddenName: string,
    readonly reason: string,
  ) {
    super(`${forbiddenName}: ${reason}`);
  }
}
