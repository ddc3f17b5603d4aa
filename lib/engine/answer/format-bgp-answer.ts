import type { AsPathHop, AsnAnswer, BgpTableStats, RouteAnswer, RouteQuery } from '../../bgp/bgp-source.ts';
import type { RouteValidity, RpkiStats, Vrp } from '../../bgp/rpki/rpki-source.ts';
import { timeAndAge } from './duration.ts';
import { formatIpAddress, formatPrefix, type IpPrefix, samePrefix } from '../../net/ip-address.ts';
import { neutraliseText } from '../../reply/safe-text.ts';
import type { ReplyLine } from '../../reply/split-reply.ts';

const RIPESTAT = 'https://stat.ripe.net/';

/** `AS64500 EXAMPLE-AS, AS64501` with each name the source knows; names are untrusted data. */
export function originsText(origins: readonly number[], names: ReadonlyMap<number, string>): string {
  return origins.map((asn) => (names.has(asn) ? `AS${asn} ${names.get(asn)}` : `AS${asn}`)).join(' and ');
}

/** The address or prefix asked, as the reply writes it: `192.0.2.1`, `2001:db8::/32`. */
function askedText(query: RouteQuery): string {
  return query.kind === 'address' ? formatIpAddress(query.address) : formatPrefix({ address: query.prefix, length: query.length });
}

/** The answer to `bgp ADDRESS` or `bgp PREFIX` in a range that is not routed on the Internet, asked of no source. */
export function formatSpecialRange(query: RouteQuery, range: { readonly cidr: string; readonly description: string }): ReplyLine[] {
  return [{ text: `🛰 ${askedText(query)} is in ${range.cidr}, ${range.description}: not routed on the Internet.` }];
}

/** What route origin validation said of an answer's route: a state per origin, or why there is none. */
export type RouteRpki = { readonly validities: readonly RouteValidity[] } | { readonly source: string; readonly failure: string };

/** Covering VRPs listed for an origin that is not authorised; the rest are counted. */
const MAX_LISTED_VRPS = 4;

/** The answer to `bgp ADDRESS` or `bgp PREFIX`; `rpki` when route origin validation is on and the route announced. */
export function formatRouteAnswer(answer: RouteAnswer, names: ReadonlyMap<number, string>, stats: BgpTableStats, rpki?: RouteRpki): ReplyLine[] {
  const asked = askedText(answer.query);
  const lines: ReplyLine[] = [{ text: `🛰 BGP ${asked}` }];
  if (!answer.prefix) {
    lines.push({ text: `No announced prefix covers ${asked} in ${stats.source}.` });
  } else {
    const { query } = answer;
    const announced = formatPrefix(answer.prefix);
    const moas = answer.origins.length > 1 ? ' (several origins: MOAS)' : '';
    lines.push({ text: neutraliseText(`${announced} announced by ${originsText(answer.origins, names)}${moas}`), record: true });
    if (query.kind === 'prefix' && !samePrefix(answer.prefix, { address: query.prefix, length: query.length }))
      lines.push({ text: neutraliseText(`${asked} is not announced as such; ${announced} covers it.`) });
    if (answer.moreSpecifics !== undefined && answer.query.kind === 'prefix')
      lines.push({ text: `${answer.moreSpecifics} more-specific prefix${answer.moreSpecifics === 1 ? ' is' : 'es are'} announced inside ${asked}.` });
    lines.push(...visibilityLines(answer, names));
    if (rpki) lines.push(...rpkiLines(answer.prefix, rpki));
    lines.push({ text: neutraliseText(`RIPEstat: ${RIPESTAT}${announced}`) });
  }
  lines.push({ text: sourceLine(stats) });
  return lines;
}

/** Upstreams named in a route answer; the rest are counted. */
const MAX_LISTED_UPSTREAMS = 3;

/** The ASes a route answer names: the origins, and the upstreams it lists. */
export function namedAsns(answer: RouteAnswer): number[] {
  return [...answer.origins, ...(answer.paths?.upstreams ?? []).slice(0, MAX_LISTED_UPSTREAMS).map((upstream) => upstream.asn)];
}

/** How many peers carry the route, and through which upstreams its origin reaches them; nothing from sources that do not know. */
function visibilityLines({ paths }: RouteAnswer, names: ReadonlyMap<number, string>): ReplyLine[] {
  const lines: ReplyLine[] = [];
  if (paths?.visibility) lines.push({ text: visibilityText(paths.visibility) });
  const upstreams = paths?.upstreams ?? [];
  if (upstreams.length > 0) {
    const listed = upstreams
      .slice(0, MAX_LISTED_UPSTREAMS)
      .map(({ asn, entries }) => `${originsText([asn], names)} (${entries} path${entries === 1 ? '' : 's'})`);
    const more = upstreams.length > MAX_LISTED_UPSTREAMS ? ` and ${upstreams.length - MAX_LISTED_UPSTREAMS} more` : '';
    lines.push({ text: neutraliseText(`Upstream${upstreams.length === 1 ? '' : 's'}: ${listed.join(', ')}${more}`) });
  }
  return lines;
}

function visibilityText({ seenBy, peers }: { readonly seenBy: number; readonly peers: number }): string {
  return `Seen by ${seenBy} of ${peers} peer${peers === 1 ? '' : 's'}${peers > 0 ? ` (${Math.round((100 * seenBy) / peers)} %)` : ''}`;
}

/** The answer to `bgp path ADDRESS` or `bgp path PREFIX`: the distinct AS paths of the route, most seen first, one record each. */
export function formatPathsAnswer(answer: RouteAnswer, names: ReadonlyMap<number, string>, stats: BgpTableStats): ReplyLine[] {
  const asked = askedText(answer.query);
  const lines: ReplyLine[] = [{ text: `🛰 BGP paths to ${asked}` }];
  if (!answer.prefix) {
    lines.push({ text: `No announced prefix covers ${asked} in ${stats.source}.` }, { text: sourceLine(stats) });
    return lines;
  }
  lines.push({ text: neutraliseText(`${formatPrefix(answer.prefix)} announced by ${originsText(answer.origins, names)}`) });
  const { paths, visibility } = answer.paths ?? {};
  if (paths === undefined) {
    lines.push({ text: neutraliseText(`The ${stats.source} source has no AS paths: they come from an MRT RIB or bgpdump -m table (BGP_SOURCE=table:PATH).`) });
  } else {
    const seen = visibility ? `${visibilityText(visibility)}, by ` : 'By ';
    lines.push({ text: `${seen}${paths.length} distinct AS path${paths.length === 1 ? '' : 's'} (prepends collapsed), most seen first:` });
    for (const { hops, entries } of paths) lines.push({ text: neutraliseText(`${hops.map(hopText).join(' ')} ×${entries}`), record: true });
  }
  lines.push({ text: sourceLine(stats) });
  return lines;
}

/** `AS64500`, or an AS_SET as `{AS64501,AS64502}`. */
function hopText(hop: AsPathHop): string {
  return typeof hop === 'number' ? `AS${hop}` : `{${hop.map((asn) => `AS${asn}`).join(',')}}`;
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
  return { text: neutraliseText(`🛰 BGP: ${formatPrefix(answer.prefix)} from ${originsText(answer.origins, names)}`) };
}

/**
 * The RFC 6811 state of the route for each origin. Not found is said for all
 * origins at once (whether a ROA covers a route does not depend on its
 * origin), with what it means: no ROA was published, nothing is wrong.
 */
function rpkiLines(prefix: IpPrefix, rpki: RouteRpki): ReplyLine[] {
  if ('failure' in rpki) return [{ text: `RPKI: the ${rpki.source} source did not answer (${rpki.failure}).` }];
  const length = `/${prefix.length}`;
  const texts: string[] = [];
  for (const validity of rpki.validities) {
    if (validity.state === 'valid') texts.push(`RPKI ✅ valid for AS${validity.origin}: ROA ${vrpText(validity.vrp)}`);
    else if (validity.state === 'invalid' && validity.reason === 'length')
      texts.push(`RPKI ❌ invalid for AS${validity.origin}: ${length} is longer than its ROA's maxLength (${vrpText(validity.vrp)})`);
    else if (validity.state === 'invalid') texts.push(`RPKI ❌ invalid for AS${validity.origin}: origin not authorised; ${authorisedText(validity.covering)}`);
  }
  const notFound = rpki.validities.filter((validity) => validity.state === 'not-found').map((validity) => `AS${validity.origin}`);
  if (notFound.length > 0)
    texts.push(`RPKI ❔ not found for ${notFound.join(' and ')}: no ROA covers ${formatPrefix(prefix)} (no sign of a bad route: its holder published none)`);
  return texts.map((text) => ({ text: neutraliseText(text) }));
}

/** Whom the ROAs covering a route authorise: AS0 ROAs (RFC 6483 §4) authorise no one. */
function authorisedText(covering: readonly Vrp[]): string {
  const authorising = covering.filter((vrp) => vrp.asn !== 0);
  const listed = (vrps: readonly Vrp[]) =>
    vrps
      .slice(0, MAX_LISTED_VRPS)
      .map((vrp) => `AS${vrp.asn} (${formatPrefix(vrp.prefix)} max /${vrp.maxLength})`)
      .join(', ') + (vrps.length > MAX_LISTED_VRPS ? ` and ${vrps.length - MAX_LISTED_VRPS} more` : '');
  if (authorising.length === 0) return `only AS0 ROAs cover it, which let no AS originate it: ${listed(covering)}`;
  return `ROAs cover it for ${listed(authorising)}`;
}

/** `193.0.20.0/24 max /24, ripe`; the trust anchor's name is untrusted data. */
function vrpText(vrp: Vrp): string {
  return `AS${vrp.asn} ${formatPrefix(vrp.prefix)} max /${vrp.maxLength}${vrp.ta ? `, ${vrp.ta}` : ''}`;
}

export function sourceLine(stats: BgpTableStats): string {
  const figures = [
    stats.ipv4Prefixes !== undefined ? `${stats.ipv4Prefixes.toLocaleString('en')} IPv4` : undefined,
    stats.ipv6Prefixes !== undefined ? `${stats.ipv6Prefixes.toLocaleString('en')} IPv6 prefixes` : undefined,
    stats.originAsns !== undefined ? `${stats.originAsns.toLocaleString('en')} origin ASes` : undefined,
    stats.peers !== undefined ? `seen by ${stats.peers.ipv4} IPv4 and ${stats.peers.ipv6} IPv6 peers` : undefined,
    stats.asPaths !== undefined ? `${stats.asPaths.toLocaleString('en')} distinct AS paths` : undefined,
  ].filter(Boolean);
  return `Source: ${stats.source}${figures.length ? ` (${figures.join(', ')})` : ''}${ageText(stats.dataTime)}`;
}

/** The `info` line of the RPKI source: what answers, how many VRPs, how old they are. */
export function rpkiSourceLine(stats: RpkiStats): string {
  const figures =
    stats.ipv4Vrps !== undefined && stats.ipv6Vrps !== undefined
      ? ` (${stats.ipv4Vrps.toLocaleString('en')} IPv4 and ${stats.ipv6Vrps.toLocaleString('en')} IPv6 VRPs)`
      : '';
  return `RPKI origin validation: ${stats.source}${figures}${ageText(stats.dataTime)}`;
}

function ageText(dataTime: Date | undefined): string {
  return dataTime ? `, data from ${timeAndAge(dataTime)}` : '';
}
