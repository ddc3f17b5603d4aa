/**
 * Where BGP answers come from, as the rest of the bot sees it. `BGP_SOURCE`
 * picks one: `table:PATH` (a local table file, table-file-source.ts), or
 * remote services (Team Cymru over DNS, RIPEstat) that answer the same
 * questions one at a time. Fields a source cannot know stay undefined, so
 * every source fits the same shapes.
 */
import type { IpAddress, IpPrefix } from '../net/ip-address.ts';

/**
 * A BGP question as the question parser read it, once: sources and
 * formatters take the address and number as they are and write them out
 * only where text is needed (a service's URL, a reply).
 */
export type BgpQuery =
  | { kind: 'address'; address: IpAddress }
  /** `prefix` is the network address: the parser has cleared the host bits. */
  | { kind: 'prefix'; prefix: IpAddress; length: number }
  | { kind: 'asn'; asn: number };

/** The questions `route` answers. */
export type RouteQuery = Exclude<BgpQuery, { kind: 'asn' }>;

export interface RouteAnswer {
  query: RouteQuery;
  /** The longest announced prefix covering the query; undefined when none is announced. */
  prefix?: IpPrefix;
  /** Origin ASes of `prefix`, ascending; several for MOAS or an AS_SET; empty when unrouted. */
  origins: readonly number[];
  /** For a prefix query: announced prefixes strictly inside the queried prefix. */
  moreSpecifics?: number;
  /** How the dump's peers carry `prefix`, from sources that have AS paths (MRT RIBs, `bgpdump -m`); RIPEstat gives the visibility only. */
  paths?: Partial<RoutePathsSeen>;
}

/** One hop of an AS path: an AS, or an AS_SET (its members ascending). */
export type AsPathHop = number | readonly number[];

/** What a RIB dump shows of one route besides its origins. */
export interface RoutePathsSeen {
  /** How many of the peers carry the route, of how many that carry any route of its address family. */
  readonly visibility: { readonly seenBy: number; readonly peers: number };
  /** The distinct AS paths, prepends collapsed, with how many RIB entries (one per peer, more with ADD-PATH) have each; most seen first. */
  readonly paths: readonly { readonly hops: readonly AsPathHop[]; readonly entries: number }[];
  /** The AS just before the origin in the paths, with how many entries go through each; most first. */
  readonly upstreams: readonly { readonly asn: number; readonly entries: number }[];
}

export interface AsnAnswer {
  asn: number;
  name?: string;
  /** Prefixes the AS originates (a MOAS prefix counts for each origin). */
  ipv4Prefixes?: number;
  ipv6Prefixes?: number;
}

export interface BgpTableStats {
  /** What answers, e.g. `MRT RIB` or the operator's label (BGP_SOURCE_LABEL): never a path. */
  source: string;
  ipv4Prefixes?: number;
  ipv6Prefixes?: number;
  originAsns?: number;
  /** Of a table with AS paths: the peers carrying IPv4 and IPv6 routes, and the distinct AS paths. */
  peers?: { readonly ipv4: number; readonly ipv6: number };
  asPaths?: number;
  /** When the data in use was loaded. */
  loadedAt?: Date;
  /** When the data was taken: the dump's own timestamp, else the file's modification time. */
  dataTime?: Date;
}

export interface BgpSource {
  readonly name: string; // 'table', 'cymru', 'ripestat'
  route(query: RouteQuery): Promise<RouteAnswer>;
  asn(asn: number): Promise<AsnAnswer>;
  /** Names of those ASes that have one; ASes without a known name are left out. */
  asnNames(asns: readonly number[]): Promise<Map<number, string>>;
  stats(): Promise<BgpTableStats>;
  /** Stops watching and timers; pending promises still settle. */
  close(): void;
  /** Reads its data again now (a table file on SIGHUP); true when new data was swapped in. */
  reload?(): Promise<boolean>;
}
