/**
 * The DNS side of the engine as the rest of the code sees it: one question in,
 * one response out. Transports, fail-over and TCP retry live behind this
 * interface so that the bot, the CLI, the BGP sources and the tests share it.
 */
import type { IpAddress } from '../net/ip-address.ts';

export interface DnsQuestion {
  /** ASCII (A-label) name without the trailing dot, `""` for the root. */
  readonly name: string;
  /** RR type code (1 = A, 28 = AAAA, …). */
  readonly type: number;
  /** How to ask, beyond name and type; everything is off unless set. */
  readonly options?: QueryOptions;
}

/** What dig sets with its +flags: the bits and EDNS options of the query, and the way it is sent. */
export interface QueryOptions {
  /** DO (RFC 3225): send the DNSSEC records (RRSIG, NSEC, …) with the answer. */
  readonly dnssecRecords?: boolean;
  /** CD (RFC 4035 §3.2.2): the resolver is not to validate, so data that fails validation still comes back. */
  readonly checkingDisabled?: boolean;
  /** Ask over TCP from the start, not only after a truncated UDP answer. */
  readonly tcp?: boolean;
  /** NSID (RFC 5001): ask the server to say which instance of it answers. */
  readonly nsid?: boolean;
  /** Ask only the upstreams at an address of this IP version (dig -4, -6). */
  readonly family?: 4 | 6;
  /**
   * RD off (dig +norecurse): the server answers from what it holds itself, an
   * authoritative answer or a referral. Only the iterative resolver asks so; it
   * asks authoritative servers, never a shared resolver's cache.
   */
  readonly nonRecursive?: boolean;
}

/** An Extended DNS Error (RFC 8914): the resolver's own reason for its answer. */
export interface ExtendedDnsError {
  /** INFO-CODE from the IANA registry: 6 DNSSEC Bogus, 15 Blocked, … */
  readonly code: number;
  /** EXTRA-TEXT, as the resolver wrote it: untrusted, like every string from DNS. */
  readonly text: string;
}

export interface DnsRecord {
  /** Owner name in presentation form, without the trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly ttl: number;
  /** The RDATA as decoded from the wire; `presentRdata` (wire/rdata-presentation.ts) writes it as dig prints it. */
  readonly rdata: Rdata;
}

/**
 * Decoded RDATA. What the bot reads itself is kept in fields (the cache reads
 * the SOA's MINIMUM, the formatter a CNAME's target, the cymru source TXT
 * strings), so that nothing parses presentation text back; every other type
 * keeps its presentation form. The kind says what was decoded, which is not
 * always what the record type promises: RDATA that does not parse as its type
 * is kept in the generic form (RFC 3597) as `presented`. Names are in
 * presentation form, with the trailing dot.
 */
export type Rdata =
  /** A and AAAA. */
  | { readonly kind: 'address'; readonly address: IpAddress }
  /** NS, CNAME, DNAME and PTR. */
  | { readonly kind: 'name'; readonly target: string }
  | { readonly kind: 'mx'; readonly preference: number; readonly exchange: string }
  | SoaRdata
  /** TXT and SPF: the character-strings, decoded as UTF-8. */
  | { readonly kind: 'texts'; readonly texts: readonly string[] }
  /** Any other type, as dig prints it. */
  | { readonly kind: 'presented'; readonly text: string };

export interface SoaRdata {
  readonly kind: 'soa';
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  /** With the SOA's own TTL, how long a negative answer may be kept (RFC 2308 §5). */
  readonly minimum: number;
}

export interface DnsResponse {
  readonly question: DnsQuestion;
  /** Full (extended) RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, … */
  readonly rcode: number;
  /** AD flag: the upstream validated the answer with DNSSEC. */
  readonly authenticated: boolean;
  /** AA flag: the server answered for a zone it serves itself, not from a cache or a referral. */
  readonly authoritative: boolean;
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  /** The additional section less the OPT record: in a referral, the glue (the NS names' addresses). */
  readonly additionals: readonly DnsRecord[];
  /** Extended DNS Errors the resolver attached, in the order sent. */
  readonly extendedErrors: readonly ExtendedDnsError[];
  /** The server instance that answered (NSID, RFC 5001), when asked for and given: raw bytes, shown as text or hex. */
  readonly nsid?: Uint8Array;
  /** The upstream that answered, as written in the configuration. */
  readonly upstream: string;
  readonly transport: 'udp' | 'tcp' | 'doh';
  readonly elapsedMs: number;
  /** True when the answer came from a cache: TTLs are what remains of them, and no upstream was asked now. */
  readonly cached?: boolean;
}

export interface Resolver {
  /**
   * Resolves one question. Rejects with `DnsTimeoutError` when no upstream
   * answered in time, `DnsNetworkError` when none could be reached and
   * `NoUpstreamOfFamilyError` when none is of the IP version asked for;
   * DNS-level failures (NXDOMAIN, SERVFAIL, …) are responses, not errors.
   */
  resolve(question: DnsQuestion, signal?: AbortSignal): Promise<DnsResponse>;
  /** Upstreams in the order they are tried, for `info`. */
  readonly upstreams: readonly string[];
}
