/**
 * `BGP_SOURCE=ripestat`: RIPEstat's data API over HTTPS, one question at a
 * time, through the guarded fetch with retries on network errors, timeouts
 * and 5xx (ripestat-client.ts). Calls used (https://stat.ripe.net/docs/data-api/):
 *   network-info?resource=IP      → { prefix, asns: ["3333"] }, the announcement covering an address
 *   prefix-overview?resource=P/L  → { announced, resource, asns: [{ asn, holder }] }
 *   as-overview?resource=ASn      → { holder }
 *   routing-status?resource=ASn   → { announced_space: { v4: { prefixes }, v6: { prefixes } } }
 *   routing-status?resource=P/L   → { visibility: { v4: { ris_peers_seeing, total_ris_peers }, v6: … } }
 * RIPEstat has no AS paths to give, but its visibility of a route is RIS's
 * peers', asked once the route is known; without it the answer goes on.
 */
import { formatIpAddress, formatPrefix, type IpPrefix, parseNetwork } from '../../net/ip-address.ts';
import type { AsnAnswer, BgpSource, BgpTableStats, RouteAnswer, RouteQuery } from '../bgp-source.ts';
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
      if (overview.announced && announced)
        return this.announced(
          query,
          announced,
          overview.asns?.map((a) => a.asn),
        );
    }
    const info = await this.client.call<{ prefix?: string; asns?: (string | number)[] }>('network-info', { resource: address });
    const prefix = checkedPrefix(info.prefix);
    const covering = prefix && (query.kind === 'address' || prefix.length <= query.length) ? prefix : undefined;
    return covering ? this.announced(query, covering, info.asns?.map(Number)) : { query, origins: [] };
  }

  private async announced(query: RouteQuery, prefix: IpPrefix, origins: readonly number[] | undefined): Promise<RouteAnswer> {
    const status = await this.client
      .call<{ visibility?: Partial<Record<'v4' | 'v6', { ris_peers_seeing?: unknown; total_ris_peers?: unknown }>> }>('routing-status', {
        resource: formatPrefix(prefix),
      })
      .catch(() => undefined);
    const family = status?.visibility?.[prefix.address.version === 6 ? 'v6' : 'v4'];
    const seenBy = family?.ris_peers_seeing;
    const peers = family?.total_ris_peers;
    const answer: RouteAnswer = { query, prefix, origins: sorted(origins) };
    if (isCount(seenBy) && isCount(peers)) answer.paths = { visibility: { seenBy, peers } };
    return answer;
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

/** A prefix from RIPEstat's JSON, used only when it really is one (the answer is untrusted data), as a network. */
function checkedPrefix(text: string | undefined): IpPrefix | undefined {
  return text === undefined ? undefined : parseNetwork(text);
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function sorted(asns: readonly number[] | undefined): number[] {
  return [...new Set((asns ?? []).filter((asn) => Number.isInteger(asn)))].sort((a, b) => a - b);
}
