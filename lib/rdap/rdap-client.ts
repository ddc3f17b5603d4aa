/**
 * Asks RDAP: finds the server in the bootstrap registries, fetches the
 * object through the one guarded fetch (rdap-fetch.ts), reads it into a typed value, and
 * keeps it for a while (by URL, so one object asked twice is fetched once,
 * and askers of an object under way share its request: shared-request.ts).
 * For a domain it also follows the registry's `related` link once, to the
 * registrar's server, as a thin registry (.com, .net) holds little itself.
 */
import { LRUCache } from 'lru-cache';
import { formatIpAddress, type IpAddress } from '../net/ip-address.ts';
import { addressService, asnService, domainService, type RdapBootstrap } from './bootstrap.ts';
import { RdapMalformedError, RdapNotFoundError } from './errors.ts';
import type { JsonFetch } from './rdap-fetch.ts';
import { SharedRequest } from './shared-request.ts';
import { parseRdapObject, type RdapAutnum, type RdapDomain, type RdapNetwork, type RdapObject, type RdapObjectClass } from './rdap-objects.ts';

/** An object and where it came from. */
export interface Found<T extends RdapObject> {
  readonly object: T;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

/** A domain from its registry, and from the registrar's server when the registry links to one. */
export interface DomainFound extends Found<RdapDomain> {
  /** The registrar's answer, or why there is none; undefined when the registry links to no registrar server. */
  readonly registrar?: Found<RdapDomain> | { readonly error: unknown; readonly url: string };
}

export interface RdapClientOptions {
  /** The bootstrap in use now; it may be swapped for a fresher one between questions. */
  readonly bootstrap: () => RdapBootstrap;
  readonly fetch: JsonFetch;
  /** Objects kept, and for how long; a “not found” is kept for a tenth of it. */
  readonly cacheSize?: number;
  readonly cacheTtlMs?: number;
}

const DEFAULT_CACHE_SIZE = 1000;
const DEFAULT_CACHE_TTL_MS = 60 * 60_000;

export class RdapClient {
  /** Undefined when cacheSize is 0: every question asks. */
  private readonly cache: LRUCache<string, SharedRequest<Found<RdapObject>>> | undefined;
  private readonly ttlMs: number;

  constructor(private readonly options: RdapClientOptions) {
    this.ttlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    const size = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.cache = size > 0 ? new LRUCache({ max: size, ttl: this.ttlMs }) : undefined;
  }

  /** A registered domain (A-labels), from its registry and, for a thin one, its registrar. */
  async domain(asciiName: string, signal?: AbortSignal): Promise<DomainFound> {
    const registry = checked(
      await this.fetchObject(`${domainService(this.options.bootstrap(), asciiName)}domain/${asciiName}`, 'domain', signal),
      (domain) => domain.ldhName === asciiName,
      `a record of another name than ${asciiName}`,
    );
    const link = registry.object.relatedRdap.find((href) => href !== registry.url);
    if (link === undefined) return registry;
    const registrar = await this.fetchObject(link, 'domain', signal)
      .then((found) => checked(found, (domain) => domain.ldhName === asciiName, `a record of another name than ${asciiName}`))
      .catch((error: unknown) => ({ error, url: link }));
    return { ...registry, registrar };
  }

  /** The registered network holding an address, or a prefix (`length`). */
  async network(address: IpAddress, length: number | undefined, signal?: AbortSignal): Promise<Found<RdapNetwork>> {
    const base = addressService(this.options.bootstrap(), address, length);
    const asked = `${formatIpAddress(address)}${length === undefined ? '' : `/${length}`}`;
    const found = await this.fetchObject(`${base}ip/${asked}`, 'ip network', signal);
    return checked(found, (network) => inRange(address, network.startAddress, network.endAddress), `a network that does not hold ${asked}`);
  }

  async autnum(asn: number, signal?: AbortSignal): Promise<Found<RdapAutnum>> {
    const found = await this.fetchObject(`${asnService(this.options.bootstrap(), asn)}autnum/${asn}`, 'autnum', signal);
    return checked(found, (autnum) => autnum.startAutnum <= asn && asn <= autnum.endAutnum, `an AS number range without AS${asn}`);
  }

  private fetchObject<Class extends RdapObjectClass>(
    url: string,
    objectClass: Class,
    signal: AbortSignal | undefined,
  ): Promise<Found<Extract<RdapObject, { objectClass: Class }>>> {
    // An asker who has already given up starts no request.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const key = `${objectClass} ${url}`;
    const shared = this.cache?.get(key) ?? this.request(key, url, objectClass);
    return shared.wait(signal) as Promise<Found<Extract<RdapObject, { objectClass: Class }>>>;
  }

  /** A request for the object, shared by everyone who asks for it while it is under way, and kept in the cache. */
  private request(key: string, url: string, objectClass: RdapObjectClass): SharedRequest<Found<RdapObject>> {
    const { cache } = this;
    const shared: SharedRequest<Found<RdapObject>> = new SharedRequest(
      (signal) =>
        this.options
          .fetch(url, signal)
          .then(({ url: answered, json }) => ({ url: answered, object: parseRdapObject(json, objectClass, new URL(answered).hostname) })),
      // Stopped because every asker gave up: not an answer for the next one.
      () => {
        if (cache?.peek(key) === shared) cache.delete(key);
      },
    );
    if (cache) {
      cache.set(key, shared);
      shared.answer.catch((error: unknown) => {
        if (cache.peek(key) !== shared) return;
        // A missing object stays missing for a while; anything else (a timeout, a 503) is asked again next time.
        if (error instanceof RdapNotFoundError) cache.set(key, shared, { ttl: Math.ceil(this.ttlMs / 10) });
        else cache.delete(key);
      });
    }
    return shared;
  }
}

/** The answer, if it is about what was asked: a server (or a redirect) that answers about something else is not believed. */
function checked<T extends RdapObject>(found: Found<T>, about: (object: T) => boolean, otherwise: string): Found<T> {
  if (!about(found.object)) throw new RdapMalformedError(new URL(found.url).hostname, `it sent ${otherwise}`);
  return found;
}

function inRange(address: IpAddress, start: IpAddress, end: IpAddress): boolean {
  return address.version === start.version && Buffer.compare(address.bytes, start.bytes) >= 0 && Buffer.compare(address.bytes, end.bytes) <= 0;
}
