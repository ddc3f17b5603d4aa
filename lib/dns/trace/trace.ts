/**
 * What a trace (dig +trace) is made of, as the engine sees it: the servers
 * asked on the way from the root to the answer, each with what it answered,
 * in the order asked. Names are in presentation form without the trailing dot
 * (`.` for the root); all of them came from DNS and are untrusted.
 */
import type { DnsTimeoutError, DnsNetworkError } from '../errors.ts';
import type { DnsQuestion, DnsRecord } from '../resolver.ts';
import type { NameServer } from './name-server.ts';
import type { TraceFailure } from './errors.ts';

export type StepOutcome =
  /** Not authoritative, with NS records for a zone closer to the name: go there. */
  | { readonly kind: 'referral'; readonly zone: string; readonly nameservers: number; readonly glue: number; readonly signed: boolean }
  /** Authoritative (AA). `cname`: the answer is an alias whose target is elsewhere, asked from the root again. */
  | { readonly kind: 'answer'; readonly rcode: number; readonly records: number; readonly cname?: string }
  /** Neither authoritative nor a referral (RFC 1912 §2.8): the next server is asked. */
  | { readonly kind: 'lame'; readonly rcode: number }
  /** No answer in time or no way to reach it: the next server is asked. */
  | { readonly kind: 'no-answer'; readonly error: DnsTimeoutError | DnsNetworkError };

export interface TraceStep {
  /** The zone the server was asked as a server of. */
  readonly zone: string;
  readonly server: NameServer;
  /** The name asked, which is the question's until a CNAME leads elsewhere. */
  readonly name: string;
  readonly outcome: StepOutcome;
  readonly elapsedMs: number;
  /** The name server's name this step looks up, for a delegation without glue; undefined on the question's own path. */
  readonly resolving?: string;
}

export interface Trace {
  readonly question: DnsQuestion;
  readonly steps: readonly TraceStep[];
  /** What the authoritative servers answered along the CNAME chain, when the trace got there; the RCODE is the last one's. */
  readonly answer?: { readonly rcode: number; readonly records: readonly DnsRecord[] };
  readonly failure?: TraceFailure;
  readonly queries: number;
  readonly referrals: number;
  readonly elapsedMs: number;
}
