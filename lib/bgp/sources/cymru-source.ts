/**
 * `BGP_SOURCE=cymru`: Team Cymru's IP-to-ASN service over DNS, asked through
 * the engine's own resolver, so it needs no data file. Record formats (TXT):
 *   d.c.b.a.origin.asn.cymru.com     "64500 64501 | 192.0.2.0/24 | US | arin | 2000-01-01"
 *   <32 nibbles>.origin6.asn.cymru.com the same for IPv6
 *   AS64500.asn.cymru.com            "64500 | US | arin | 2000-01-01 | EXAMPLE-AS - Example, US"
 * One TXT per covering prefix; several origins in one record for MOAS.
 */
import { type IpPrefix, parseNetwork, reverseDnsName } from '../../net/ip-address.ts';
import { RecordType } from '../../dns/record-types.ts';
import type { Resolver } from '../../dns/resolver.ts';
import type { AsnAnswer, BgpSource, BgpTableStats, RouteAnswer, RouteQuery } from '../bgp-source.ts';

export interface CymruSourceOptions {
  readonly resolver: Resolver;
  /** The zone the service answers under; tests point it at a local server. */
  readonly zone?: string;
}

interface Announcement {
  readonly prefix: IpPrefix;
  readonly origins: number[];
}

export class CymruSource implements BgpSource {
  readonly name = 'cymru';
  private readonly zone: string;

  constructor(private readonly options: CymruSourceOptions) {
    this.zone = options.zone ?? 'asn.cymru.com';
  }

  async route(query: RouteQuery): Promise<RouteAnswer> {
    const address = query.kind === 'address' ? query.address : query.prefix;
    const arpa = reverseDnsName(address).replace(/\.(in-addr|ip6)\.arpa$/, '');
    const owner = `${arpa}.${address.version === 4 ? 'origin' : 'origin6'}.${this.zone}`;
    const maxLength = query.kind === 'prefix' ? query.length : address.version === 4 ? 32 : 128;
    const announcements = (await this.texts(owner)).map(parseAnnouncement).filter((a): a is Announcement => a !== undefined && a.prefix.length <= maxLength);
    const best = announcements.sort((a, b) => b.prefix.length - a.prefix.length)[0];
    return best ? { query, prefix: best.prefix, origins: [...new Set(best.origins)].sort((a, b) => a - b) } : { query, origins: [] };
  }

  async asn(asn: number): Promise<AsnAnswer> {
    return { asn, name: (await this.asnNames([asn])).get(asn) };
  }

  async asnNames(asns: readonly number[]): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    await Promise.all(
      asns.map(async (asn) => {
        const [record] = await this.texts(`AS${asn}.${this.zone}`);
        const name = record?.split('|')[4]?.trim();
        if (name) names.set(asn, name);
      }),
    );
    return names;
  }

  async stats(): Promise<BgpTableStats> {
    return { source: `cymru (${this.zone}, over DNS)` };
  }

  close(): void {}

  private async texts(name: string): Promise<string[]> {
    const response = await this.options.resolver.resolve({ name, type: RecordType.TXT });
    return response.answers.filter((r) => r.type === RecordType.TXT).map((r) => (r.rdata.kind === 'texts' ? r.rdata.texts.join('') : ''));
  }
}

function parseAnnouncement(text: string): Announcement | undefined {
  const [originField, prefixField] = text.split('|').map((s) => s.trim());
  const prefix = parseNetwork(prefixField ?? '');
  const origins = (originField ?? '')
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
  if (!prefix || origins.length === 0) return undefined;
  return { prefix, origins };
}
