/**
 * Route origin validation (RFC 6811) as the rest of the bot sees it.
 * `BGP_RPKI` picks a source: a file of validated ROA payloads (VRPs) kept in
 * memory (vrp-file-source.ts), or RIPEstat's rpki-validation data call
 * (ripestat-rpki-source.ts). Both answer the same question, per origin AS of
 * an announced prefix, in the same shapes.
 */
import type { IpAddress, IpPrefix } from '../../net/ip-address.ts';

/** A validated ROA payload: `asn` may originate `prefix` and its more-specifics up to `maxLength`. */
export interface Vrp {
  /** Host bits clear. */
  readonly prefix: IpPrefix;
  readonly maxLength: number;
  /** 0 for an AS0 ROA (RFC 6483 §4): no AS may originate the prefix. */
  readonly asn: number;
  /** The trust anchor it was validated under, when the source says. */
  readonly ta?: string;
}

/** The RFC 6811 state of one (prefix, origin AS), with what decided it. */
export type RouteValidity =
  /** A covering VRP has the origin and a maxLength reaching the route's length. */
  | { readonly origin: number; readonly state: 'valid'; readonly vrp: Vrp }
  /** VRPs cover the route, none of them with this origin (AS0 ones never match): `covering` lists them. */
  | { readonly origin: number; readonly state: 'invalid'; readonly reason: 'origin'; readonly covering: readonly Vrp[] }
  /** A covering VRP has this origin, but the route is longer than its maxLength: the longest-reaching such VRP. */
  | { readonly origin: number; readonly state: 'invalid'; readonly reason: 'length'; readonly vrp: Vrp }
  /** No VRP covers the route: no ROA was published for it, which says nothing bad about it. */
  | { readonly origin: number; readonly state: 'not-found' };

export interface RpkiStats {
  /** What answers, e.g. `JSON VRP file` or `RIPEstat (stat.ripe.net)`: never a path. */
  readonly source: string;
  readonly ipv4Vrps?: number;
  readonly ipv6Vrps?: number;
  /** When the VRPs in use were loaded. */
  readonly loadedAt?: Date;
  /** When the VRPs were validated: the file's own timestamp, else its modification time. */
  readonly dataTime?: Date;
}

export interface RpkiSource {
  readonly name: string; // 'file', 'ripestat'
  /**
   * The state of the route `prefix`/`length` (host bits clear) for each of
   * its origins, in their order. Rejects with InvalidBgpQueryError for a
   * prefix that is none, or with the remote source's error.
   */
  validate(prefix: IpAddress, length: number, origins: readonly number[]): Promise<RouteValidity[]>;
  stats(): Promise<RpkiStats>;
  /** Stops watching and timers; pending promises still settle. */
  close(): void;
  /** Reads its data again now (a VRP file on SIGHUP); true when new data was swapped in. */
  reload?(): Promise<boolean>;
}
