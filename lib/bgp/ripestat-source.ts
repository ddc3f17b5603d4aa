/**
 * `BGP_SOURCE=ripestat`: RIPEstat's data API over HTTPS, one question at a
 * time, with a timeout on every request and retries on network errors and
 * 5xx. Calls used (https://stat.ripe.net/docs/data-api/):
 *   network-info?resource=IP      → { prefix, asns: ["3333"] }, the announcement covering an address
 *   prefix-overview?resource=P/L  → { announced, resource, asns: [{ asn, holder }] }
 *   as-overview?resource=ASn      → { holder }
 *   routing-status?resource=ASn   → { announced_space: { v4: { prefixes }, v6: { prefixes } } }
 */
import pRetry, { AbortError } from 'p-retry';
import { formatIpAddress, parseIpAddress } from '../net/ip-address.ts';
import type { AsnAnswer, BgpSource, BgpTableStats, RouteAnswer, RouteQuery } from './bgp-source.ts';

export interface RipeStatOptions {
  /** Default https://stat.ripe.net; tests point it at a loopback server. */
  readonly baseUrl?: string;
  readonly timeoutMs: number;
  readonly retries?: number;
}

/** RIPEstat answered with an error, or not at all. */
export class RipeStatError extends Error {
  override readonly name = 'RipeStatError';
}

// RIPEstat asks API users to name themselves with `sourceapp`.
const SOURCE_APP = 'fedidig';

export class RipeStatSource implements BgpSource {
  readonly name = 'ripestat';
  private readonly baseUrl: string;

  constructor(private readonly options: RipeStatOptions) {
    this.baseUrl = options.baseUrl ?? 'https://stat.ripe.net';
  }

  async route(query: RouteQuery): Promise<RouteAnswer> {
    // RIPEstat takes its resources as text.
    const address = formatIpAddress(query.kind === 'address' ? query.address : query.prefix);
    if (query.kind === 'prefix') {
      const overview = await this.call<{ announced?: boolean; resource?: string; asns?: { asn: number }[] }>('prefix-overview', `${address}/${query.length}`);
      const announced = checkedPrefix(overview.resource);
      if (overview.announced && announced) return { query, prefix: announced, origins: sorted(overview.asns?.map((a) => a.asn)) };
    }
    const info = await this.call<{ prefix?: string; asns?: (string | number)[] }>('network-info', address);
    const prefix = checkedPrefix(info.prefix);
    const covering = prefix && (query.kind === 'address' || Number(prefix.split('/')[1]) <= query.length) ? prefix : undefined;
    return covering ? { query, prefix: covering, origins: sorted(info.asns?.map(Number)) } : { query, origins: [] };
  }

  async asn(asn: number): Promise<AsnAnswer> {
    const [overview, status] = await Promise.all([
      this.call<{ holder?: string }>('as-overview', `AS${asn}`),
      this.call<{ announced_space?: { v4?: { prefixes?: number }; v6?: { prefixes?: number } } }>('routing-status', `AS${asn}`),
    ]);
    return { asn, name: overview.holder || undefined, ipv4Prefixes: status.announced_space?.v4?.prefixes, ipv6Prefixes: status.announced_space?.v6?.prefixes };
  }

  async asnNames(asns: readonly number[]): Promise<Map<number, string>> {
    const entries = await Promise.all(asns.map(async (asn) => [asn, (await this.call<{ holder?: string }>('as-overview', `AS${asn}`)).holder] as const));
    return new Map(entries.filter((entry): entry is readonly [number, string] => Boolean(entry[1])));
  }

  async stats(): Promise<BgpTableStats> {
    return { source: `RIPEstat (${new URL(this.baseUrl).host})` };
  }

  close(): void {}

  private call<T>(endpoint: string, resource: string): Promise<T> {
    const url = new URL(`/data/${endpoint}/data.json`, this.baseUrl);
    url.search = new URLSearchParams({ resource, sourceapp: SOURCE_APP }).toString();
    return pRetry(
      async () => {
        let response: Response;
        try {
          response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs), headers: { accept: 'application/json' } });
        } catch (error) {
          throw new RipeStatError(`${endpoint}: ${(error as Error).message}`);
        }
        if (response.status >= 500) throw new RipeStatError(`${endpoint}: HTTP ${response.status}`);
        const body = (await response.json().catch(() => undefined)) as { status?: string; data?: T; messages?: [string, string][] } | undefined;
        if (!response.ok || body?.status !== 'ok' || !body.data) {
          const message = body?.messages?.map((m) => m[1]).join('; ') || `HTTP ${response.status}`;
          throw new AbortError(new RipeStatError(`${endpoint}: ${message}`));
        }
        return body.data;
      },
      { retries: this.options.retries ?? 2, minTimeout: 300 },
    );
  }
}

/** A prefix from RIPEstat's JSON, used only when it really is one (the answer is untrusted data). */
function checkedPrefix(text: string | undefined): string | undefined {
  const [address, length, extra] = (text ?? '').split('/');
  return parseIpAddress(address ?? '') && /^\d{1,3}$/.test(length ?? '') && extra === undefined ? text : undefined;
}

function sorted(asns: readonly number[] | undefined): number[] {
  return [...new Set((asns ?? []).filter((asn) => Number.isInteger(asn)))].sort((a, b) => a - b);
}
