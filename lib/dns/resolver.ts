/**
 * The DNS side of the engine as the rest of the code sees it: one question in,
 * one response out. Transports, fail-over and TCP retry live behind this
 * interface so that the bot, the CLI, the BGP sources and the tests share it.
 */

export interface DnsQuestion {
  /** ASCII (A-label) name without the trailing dot, `""` for the root. */
  readonly name: string;
  /** RR type code (1 = A, 28 = AAAA, …). */
  readonly type: number;
}

export interface DnsRecord {
  /** Owner name in presentation form, without the trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly ttl: number;
  /** RDATA in presentation (zone file) form, as dig prints it. */
  readonly data: string;
  /** For TXT and SPF: the character-strings, decoded as UTF-8. */
  readonly texts?: readonly string[];
}

export interface DnsResponse {
  readonly question: DnsQuestion;
  /** Full (extended) RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, … */
  readonly rcode: number;
  /** AD flag: the upstream validated the answer with DNSSEC. */
  readonly authenticated: boolean;
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
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
   * answered in time and `DnsNetworkError` when none could be reached;
   * DNS-level failures (NXDOMAIN, SERVFAIL, …) are responses, not errors.
   */
  resolve(question: DnsQuestion, signal?: AbortSignal): Promise<DnsResponse>;
  /** Upstreams in the order they are tried, for `info`. */
  readonly upstreams: readonly string[];
}
