import type { AsnAnswer, BgpTableStats, RouteAnswer, RouteQuery } from '../bgp/bgp-source.ts';
import { duration } from './duration.ts';
import { formatIpAddress } from '../net/ip-address.ts';
import { neutraliseText } from '../reply/safe-text.ts';
import type { ReplyLine } from '../reply/split-reply.ts';

const RIPESTAT = 'https://stat.ripe.net/';

/** `AS64500 EXAMPLE-AS, AS64501` with each name the source knows; names are untrusted data. */
export function originsText(origins: readonly number[], names: ReadonlyMap<number, string>): string {
  return origins.map((asn) => (names.has(asn) ? `AS${asn} ${names.get(asn)}` : `AS${asn}`)).join(' and ');
}

/** The address or prefix asked, as the reply writes it: `192.0.2.1`, `2001:db8::/32`. */
function askedText(query: RouteQuery): string {
  return query.kind === 'address' ? formatIpAddress(query.address) : `${formatIpAddress(query.prefix)}/${query.length}`;
}

/** The answer to `bgp ADDRESS` or `bgp PREFIX` in a range that is not routed on the Internet, asked of no source. */
export function formatSpecialRange(query: RouteQuery, range: { readonly cidr: string; readonly description: string }): ReplyLine[] {
  return [{ text: `🛰 ${askedText(query)} is in ${range.cidr}, ${range.description}: not routed on the Internet.` }];
}

/** The answer to `bgp ADDRESS` or `bgp PREFIX`. */
export function formatRouteAnswer(answer: RouteAnswer, names: ReadonlyMap<number, string>, stats: BgpTableStats): ReplyLine[] {
  const asked = askedText(answer.query);
  const lines: ReplyLine[] = [{ text: `🛰 BGP ${asked}` }];
  if (!answer.prefix) {
    lines.push({ text: `No announced prefix covers ${asked} in ${stats.source}.` });
  } else {
    const moas = answer.origins.length > 1 ? ' (several origins: MOAS)' : '';
    lines.push({ text: neutraliseText(`${answer.prefix} announced by ${originsText(answer.origins, names)}${moas}`), record: true });
    if (answer.query.kind === 'prefix' && answer.prefix !== asked)
      lines.push({ text: neutraliseText(`${asked} is not announced as such; ${answer.prefix} covers it.`) });
    if (answer.moreSpecifics !== undefined && answer.query.kind === 'prefix')
      lines.push({ text: `${answer.moreSpecifics} more-specific prefix${answer.moreSpecifics === 1 ? ' is' : 'es are'} announced inside ${asked}.` });
    lines.push({ text: neutraliseText(`RIPEstat: ${RIPESTAT}${answer.prefix}`) });
  }
  lines.push({ text: sourceLine(stats) });
  return lines;
}

/** The answer to `AS64500`. */
export function formatAsnAnswer(answer: AsnAnswer, stats: BgpTableStats): ReplyLine[] {
  const counts =
    answer.ipv4Prefixes !== undefined || answer.ipv6Prefixes !== undefined
      ? `originates ${answer.ipv4Prefixes ?? 0} IPv4 and ${answer.ipv6Prefixes ?? 0} IPv6 prefixes`
      : undefined;
  return [
    { text: `🛰 AS${answer.asn}` },
    { text: neutraliseText(answer.name ? `AS${answer.asn}: ${answer.name}` : `No name known for AS${answer.asn}.`) },
    ...(counts ? [{ text: `It ${counts}.` }] : []),
    { text: `RIPEstat: ${RIPESTAT}AS${answer.asn}` },
    { text: sourceLine(stats) },
  ];
}

/** The short line under a reverse lookup: who announces the address. */
export function routeSummaryLine(answer: RouteAnswer, names: ReadonlyMap<number, string>): ReplyLine {
  if (!answer.prefix) return { text: '🛰 BGP: no announced prefix covers this address.' };
  return { text: neutraliseText(`🛰 BGP: ${answer.prefix} from ${originsText(answer.origins, names)}`) };
}

export function sourceLine(stats: BgpTableStats): string {
  const figures = [
    stats.ipv4Prefixes !== undefined ? `${stats.ipv4Prefixes.toLocaleString('en')} IPv4` : undefined,
    stats.ipv6Prefixes !== undefined ? `${stats.ipv6Prefixes.toLocaleString('en')} IPv6 prefixes` : undefined,
    stats.originAsns !== undefined ? `${stats.originAsns.toLocaleString('en')} origin ASes` : undefined,
  ].filter(Boolean);
  const age = stats.dataTime
    ? `, data from ${stats.dataTime.toISOString().slice(0, 16).replace('T', ' ')} UTC (${duration(Date.now() - stats.dataTime.getTime())} old)`
    : '';
  return `Source: ${stats.source}${figures.length ? ` (${figures.join(', ')})` : ''}${age}`;
}
