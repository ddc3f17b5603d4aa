/**
 * `BGP_SOURCE=ripestat`: RIPEstat's data API over HTTPS, one question at a
 * time, with a timeout on every request and retries on network errors and
 * 5xx (ripestat-client.ts). Calls used (https://stat.ripe.net/docs/data-api/):
 *   network-info?resource=IP      → { prefix, asns: ["3333"] }, the announcement covering an address
 *   prefix-overview?resource=P/L  → { announced, resource, asns: [{ asn, holder }] }
 *   as-overview?resource=ASn      → { holder }
 *   routing-status?resource=ASn   → { announced_space: { v4: { prefixes }, v6: { prefixes } } }
 */
import { formatIpAddress, parseCidr } from '../net/ip-address.ts';
import type { AsnAnswer, BgpSource, BgpTableStats, RouteAnswer, RouteQuery } from './bgp-source.ts';
import { RipeStatClient, type RipeStatOptions } from './ripestat-client.ts';

export class RipeStatSource implements BgpSource {
  readonly name = 'ripestat';
  private readonly client: RipeStatClient;

  constructor(options: RipeStatOptions) {
    this.client = new RipeStatClient(options);
  }

  async route(query: RouteQuery): Promise<RouteAnswer> {
    // RIPEstat takes its resources as text.
    const address = formatIpAddress(query.kind === 'address' ? query.address : query.prefix);
    if (query.kind === 'prefix') {
      const overview = await this.client.call<{ announced?: boolean; resource?: string; asns?: { asn: number }[] }>('prefix-overview', {
        resource: `${address}/${query.length}`,
      });
      const announced = checkedPrefix(overview.resource);
      if (overview.announced && announced) return { query, prefix: announced, origins: sorted(overview.asns?.map((a) => a.asn)) };
    }
    const info = await this.client.call<{ prefix?: string; asns?: (string | number)[] }>('network-info', { resource: address });
    const prefix = checkedPrefix(info.prefix);
    const covering = prefix && (query.kind === 'address' || Number(prefix.split('/')[1]) <= query.length) ? prefix : undefined;
    return covering ? { query, prefix: covering, origins: sorted(info.asns?.map(Number)) } : { query, origins: [] };
  }

  async asn(asn: number): Promise<AsnAnswer> {
    const [overview, status] = await Promise.all([
      this.client.call<{ holder?: string }>('as-overview', { resource: `AS${asn}` }),
      this.client.call<{ announced_space?: { v4?: { prefixes?: number }; v6?: { prefixes?: number } } }>('routing-status', { resource: `AS${asn}` }),
    ]);
    return { asn, name: overview.holder || undefined, ipv4Prefixes: status.announced_space?.v4?.prefixes, ipv6Prefixes: status.announced_space?.v6?.prefixes };
  }

  async asnNames(asns: readonly number[]): Promise<Map<number, string>> {
    const entries = await Promise.all(
      asns.map(async (asn) => [asn, (await this.client.call<{ holder?: string }>('as-overview', { resource: `AS${asn}` })).holder] as const),
    );
    return new Map(entries.filter((entry): entry is readonly [number, string] => Boolean(entry[1])));
  }

  async stats(): Promise<BgpTableStats> {
    return { source: `RIPEstat (${this.client.host})` };
  }

  close(): void {}
}

/** A prefix from RIPEstat's JSON, used only when it really is one (the answer is untrusted data). */
function checkedPrefix(text: string | undefined): string | undefined {
  return text !== undefined && parseCidr(text) ? text : undefined;
}

function sorted(asns: readonly number[] | undefined): number[] {
  return [...new Set((asns ?? []).filter((asn) => Number.isInteger(asn)))].sort((a, b) => a - b);
}
