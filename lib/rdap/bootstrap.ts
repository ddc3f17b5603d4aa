/**
 * The IANA bootstrap registries for RDAP (RFC 9224): which server answers for
 * a TLD, an address range or an AS number range. Each of the four files is
 * parsed once into a typed registry; look-ups are done on those.
 */
import { formatIpAddress, inPrefix, parseCidr, type IpAddress } from '../net/ip-address.ts';
import { BootstrapFormatError, NoRdapServiceError } from './errors.ts';

export const bootstrapFiles = ['dns', 'ipv4', 'ipv6', 'asn'] as const;
export type BootstrapFile = (typeof bootstrapFiles)[number];

/** The base URL of an RDAP service, https, ending with `/` so that `domain/NAME` appends to it. */
export type ServiceUrl = string;

export interface Registry<Entry> {
  /** The file's `publication` time, when it has a valid one. */
  readonly publication?: Date;
  readonly entries: readonly Entry[];
}

export interface Service {
  /** The https base URL, or undefined when the service is listed over plain http only. */
  readonly url?: ServiceUrl;
}

export interface DnsEntry extends Service {
  /** Lower-case A-labels, without dots at either end: `com`, `co.uk`. */
  readonly label: string;
}
export interface IpEntry extends Service {
  readonly network: IpAddress;
  readonly length: number;
}
export interface AsnEntry extends Service {
  readonly first: number;
  readonly last: number;
}

/** The four registries together: what the RDAP client asks where to go. */
export interface RdapBootstrap {
  readonly dns: Registry<DnsEntry>;
  readonly ipv4: Registry<IpEntry>;
  readonly ipv6: Registry<IpEntry>;
  readonly asn: Registry<AsnEntry>;
}

/** Where IANA publishes the registries (RFC 9224 §3). */
export const IANA_BOOTSTRAP_URL = 'https://data.iana.org/rdap/';

/** Bytes a bootstrap file may have: IANA's dns.json is about 100 kB. */
export const MAX_BOOTSTRAP_BYTES = 4 * 1024 * 1024;
const MAX_SERVICES = 100_000;

/** The four files' parsed JSON, checked and typed; throws BootstrapFormatError naming the file at fault. */
export function parseBootstrap(files: Record<BootstrapFile, unknown>): RdapBootstrap {
  return {
    dns: parseBootstrapFile('dns', files.dns),
    ipv4: parseBootstrapFile('ipv4', files.ipv4),
    ipv6: parseBootstrapFile('ipv6', files.ipv6),
    asn: parseBootstrapFile('asn', files.asn),
  };
}

/** One file's parsed JSON as the registry it is. */
export function parseBootstrapFile<File extends BootstrapFile>(file: File, json: unknown): RdapBootstrap[File];
export function parseBootstrapFile(file: BootstrapFile, json: unknown): RdapBootstrap[BootstrapFile] {
  const name = `${file}.json`;
  if (file === 'dns') return parseRegistry(name, json, dnsEntry);
  if (file === 'asn') return parseRegistry(name, json, asnEntry);
  return parseRegistry(name, json, (key, url) => ipEntry(key, url, file === 'ipv4' ? 4 : 6));
}

/** The oldest `publication` of the four files, which says how current the bootstrap is. */
export function publicationOf(bootstrap: RdapBootstrap): Date | undefined {
  const times = bootstrapFiles.map((file) => bootstrap[file].publication?.getTime()).filter((time) => time !== undefined);
  return times.length === bootstrapFiles.length ? new Date(Math.min(...times)) : undefined;
}

/**
 * The service for a domain name (A-labels): the longest matching label
 * sequence (RFC 9224 §4), e.g. `co.uk` before `uk`.
 */
export function domainService(bootstrap: RdapBootstrap, asciiName: string): ServiceUrl {
  const labels = asciiName.toLowerCase().split('.');
  const byLabel = new Map(bootstrap.dns.entries.map((entry) => [entry.label, entry]));
  for (let i = 0; i < labels.length; i++) {
    const entry = byLabel.get(labels.slice(i).join('.'));
    if (entry) return serviceOf(entry, `.${labels.at(-1)}`);
  }
  throw new NoRdapServiceError(`.${labels.at(-1)}`);
}

/** The service for an address or prefix: the longest registered prefix that holds it. */
export function addressService(bootstrap: RdapBootstrap, address: IpAddress, length = address.bytes.length * 8): ServiceUrl {
  const registry = address.version === 4 ? bootstrap.ipv4 : bootstrap.ipv6;
  let best: IpEntry | undefined;
  for (const entry of registry.entries) {
    if (entry.length <= length && (best === undefined || entry.length > best.length) && inPrefix(address, entry.network, entry.length)) best = entry;
  }
  const what = length === address.bytes.length * 8 ? formatIpAddress(address) : `${formatIpAddress(address)}/${length}`;
  if (!best) throw new NoRdapServiceError(what);
  return serviceOf(best, what);
}

export function asnService(bootstrap: RdapBootstrap, asn: number): ServiceUrl {
  const entry = bootstrap.asn.entries.find((range) => range.first <= asn && asn <= range.last);
  if (!entry) throw new NoRdapServiceError(`AS${asn}`);
  return serviceOf(entry, `AS${asn}`);
}

function serviceOf(entry: Service, what: string): ServiceUrl {
  if (entry.url === undefined) throw new NoRdapServiceError(what, true);
  return entry.url;
}

function parseRegistry<Entry>(file: string, json: unknown, entryOf: (key: string, url: ServiceUrl | undefined) => Entry | undefined): Registry<Entry> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new BootstrapFormatError(file, 'not a JSON object');
  const { services, publication } = json as { services?: unknown; publication?: unknown };
  if (!Array.isArray(services)) throw new BootstrapFormatError(file, 'no "services" array');
  if (services.length > MAX_SERVICES) throw new BootstrapFormatError(file, `more than ${MAX_SERVICES} services`);
  const entries: Entry[] = [];
  for (const [index, service] of services.entries()) {
    if (!Array.isArray(service) || service.length < 2 || !isStringArray(service[0]) || !isStringArray(service[1]))
      throw new BootstrapFormatError(file, `service ${index + 1} is not [[entries…], [URLs…]]`);
    const url = httpsUrl(service[1]);
    for (const key of service[0]) {
      const entry = entryOf(key, url);
      if (entry === undefined) throw new BootstrapFormatError(file, `service ${index + 1}: “${key.slice(0, 60)}” is not an entry of this registry`);
      entries.push(entry);
    }
  }
  const time = typeof publication === 'string' ? new Date(publication) : undefined;
  return { entries, ...(time && !Number.isNaN(time.getTime()) && { publication: time }) };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The first https URL of a service (RFC 9224 lets a client choose; this one speaks https only), with a trailing slash. */
function httpsUrl(urls: readonly string[]): ServiceUrl | undefined {
  for (const text of urls) {
    try {
      const url = new URL(text);
      if (url.protocol === 'https:' && !url.username && !url.password && !url.search && !url.hash) return url.href.endsWith('/') ? url.href : `${url.href}/`;
    } catch {
      // Not a URL: another of the service's may be.
    }
  }
  return undefined;
}

function dnsEntry(key: string, url: ServiceUrl | undefined): DnsEntry | undefined {
  const label = key.toLowerCase().replace(/^\.|\.$/g, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(label) ? { label, url } : undefined;
}

function ipEntry(key: string, url: ServiceUrl | undefined, version: 4 | 6): IpEntry | undefined {
  const cidr = parseCidr(key);
  return cidr?.address.version === version ? { network: cidr.address, length: cidr.length, url } : undefined;
}

function asnEntry(key: string, url: ServiceUrl | undefined): AsnEntry | undefined {
  const match = /^(\d{1,10})(?:-(\d{1,10}))?$/.exec(key);
  if (!match) return undefined;
  const first = Number(match[1]);
  const last = Number(match[2] ?? match[1]);
  return first <= last && last <= 0xffffffff ? { first, last, url } : undefined;
}
