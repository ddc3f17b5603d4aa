import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { answersQuestion, decodeResponse, encodeQuery, type DecodedResponse } from './wire/message.ts';
import { isIP } from 'node:net';
import { DnsNetworkError, DnsTimeoutError, NoUpstreamOfFamilyError } from './errors.ts';
import { exchangeDoh } from './transport/doh.ts';
import { exchangeTcp } from './transport/tcp.ts';
import { exchangeUdp, type ResponseFilter } from './transport/udp.ts';
import type { Upstream } from './upstream.ts';
import type { DnsQuestion, DnsResponse, Resolver } from './resolver.ts';
import { errorMessage } from '../ops/error-fields.ts';

const RCODE_FORMERR = 1;

class AttemptTimeout extends Error {}

/**
 * Asks the configured upstreams in order, moving to the next one on a
 * timeout or a network error. Each attempt has its own timeout; a truncated
 * UDP answer is asked again over TCP on the same server and port. dig's -4
 * and -6 keep to the upstreams configured as addresses of that IP version.
 */
export class UpstreamResolver implements Resolver {
  readonly upstreams: readonly string[];

  constructor(
    private readonly servers: readonly Upstream[],
    private readonly timeoutMs: number,
  ) {
    if (servers.length === 0) throw new Error('UpstreamResolver needs at least one upstream');
    this.upstreams = servers.map((s) => s.label);
  }

  async resolve(question: DnsQuestion, signal?: AbortSignal): Promise<DnsResponse> {
    const family = question.options?.family;
    const servers = family ? this.servers.filter((s) => s.protocol !== 'https' && isIP(s.host) === family) : this.servers;
    if (servers.length === 0) throw new NoUpstreamOfFamilyError(family!, this.upstreams);
    let failure: Error | undefined;
    for (const server of servers) {
      try {
        return await this.ask(server, question, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof DnsTimeoutError || error instanceof DnsNetworkError)) throw error;
        failure = error;
      }
    }
    throw failure;
  }

  private async ask(server: Upstream, question: DnsQuestion, signal: AbortSignal | undefined): Promise<DnsResponse> {
    const started = performance.now();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new AttemptTimeout()), this.timeoutMs);
    const attemptSignal = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    try {
      let { response, transport } = await this.exchange(server, question, attemptSignal, true);
      // RFC 6891 §7: a server that does not know EDNS answers FORMERR without an OPT record.
      if (response.rcode === RCODE_FORMERR && !response.hasOpt) {
        ({ response, transport } = await this.exchange(server, question, attemptSignal, false));
      }
      return {
        question,
        rcode: response.rcode,
        authenticated: response.authenticated,
        authoritative: response.authoritative,
        answers: response.answers,
        authorities: response.authorities,
        additionals: response.additionals,
        extendedErrors: response.extendedErrors,
        nsid: response.nsid,
        upstream: server.label,
        transport,
        elapsedMs: performance.now() - started,
      };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof AttemptTimeout) throw new DnsTimeoutError(server.label, this.timeoutMs);
      throw new DnsNetworkError(server.label, errorMessage(error) || String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private async exchange(server: Upstream, question: DnsQuestion, signal: AbortSignal, edns: boolean) {
    const id = server.protocol === 'https' ? 0 : randomInt(0x10000);
    const query = encodeQuery(question, { id, edns });
    let decoded: DecodedResponse | undefined;
    const accept: ResponseFilter = (message) => {
      try {
        const candidate = decodeResponse(message);
        if (!answersQuestion(candidate, id, question)) return false;
        decoded = candidate;
        return true;
      } catch {
        return false;
      }
    };
    if (server.protocol === 'https') {
      await exchangeDoh(server.url, query, accept, signal);
      return { response: decoded!, transport: 'doh' as const };
    }
    if (server.protocol === 'udp' && !question.options?.tcp) {
      await exchangeUdp(server.host, server.port, query, accept, signal);
      if (!decoded!.truncated) return { response: decoded!, transport: 'udp' as const };
    }
    await exchangeTcp(server.host, server.port, query, accept, signal);
    return { response: decoded!, transport: 'tcp' as const };
  }
}
