/**
 * RDAP answers (RFC 9083) read once into typed values: a domain, an IP
 * network or an autnum. What is read is only what the bot shows, and never a
 * person's name, phone or postal address: an entity's name is kept only when
 * its vCard says it is an organisation or a group (or it is a registrar, which
 * is one by definition), its mailbox only when it is an abuse contact, and
 * phones and addresses are not read at all. Every string is capped, every
 * list bounded, and the walk through nested entities limited in depth and
 * count, so hostile JSON costs little and yields little; a top level that is
 * not the object asked for is an RdapMalformedError.
 */
import { type IpAddress, type IpPrefix, networkOf, parseIpAddress } from '../net/ip-address.ts';
import { RdapMalformedError } from './errors.ts';

/** Characters kept of any string; longer ones are cut and marked. */
const MAX_TEXT = 120;
const MAX_LIST = 20;
/** How deep entities nest within entities (ARIN: network → org → abuse POC), and how many are looked at in all. */
const MAX_ENTITY_DEPTH = 4;
const MAX_ENTITIES = 100;

/** An organisation, group or registrar, as far as it may be shown. */
export interface RdapContact {
  readonly handle?: string;
  /** The organisation's name; undefined for a person (never shown) or a name redacted or missing. */
  readonly organisation?: string;
  /** The vCard kind: org, group, individual, application, location; undefined when not given. */
  readonly kind?: string;
  /** The mailbox, kept only for abuse contacts. */
  readonly email?: string;
  /** A registrar's IANA id (publicIds, type “IANA Registrar ID”). */
  readonly ianaId?: string;
}

/** What all three kinds share. */
interface RdapObjectCommon {
  readonly handle?: string;
  readonly status: readonly string[];
  readonly registered?: Date;
  readonly updated?: Date;
  /** RFC 9537: the names of the fields the server says it redacted. */
  readonly redacted: readonly string[];
  /** The holder: an entity with role registrant. */
  readonly holder?: RdapContact;
  /** The first abuse contact found with a mailbox, however deep the registry nested it. */
  readonly abuse?: RdapContact;
  /** The registry's whois server (port43), which names the RIR behind a server of another name. */
  readonly port43?: string;
}

export interface RdapDomain extends RdapObjectCommon {
  readonly objectClass: 'domain';
  readonly ldhName: string;
  readonly expires?: Date;
  /** Name servers' host names, lower case, without the trailing dot. */
  readonly nameservers: readonly string[];
  /** secureDNS.delegationSigned; undefined when the registry does not say. */
  readonly delegationSigned?: boolean;
  readonly dsCount?: number;
  readonly registrar?: RdapContact;
  /** https links with rel `related` to RDAP: a thin registry's pointer to the registrar's server. */
  readonly relatedRdap: readonly string[];
}

export interface RdapNetwork extends RdapObjectCommon {
  readonly objectClass: 'ip network';
  readonly startAddress: IpAddress;
  readonly endAddress: IpAddress;
  /** The range as CIDRs (cidr0 extension, else computed from start and end). */
  readonly cidrs: readonly IpPrefix[];
  readonly name?: string;
  readonly type?: string;
  readonly country?: string;
  readonly parentHandle?: string;
  /** The origin ASes the holder registered for the range (ARIN's originas0 extension); empty when not said. */
  readonly originAutnums: readonly number[];
}

export interface RdapAutnum extends RdapObjectCommon {
  readonly objectClass: 'autnum';
  readonly startAutnum: number;
  readonly endAutnum: number;
  readonly name?: string;
  readonly type?: string;
  readonly country?: string;
}

export type RdapObject = RdapDomain | RdapNetwork | RdapAutnum;
export type RdapObjectClass = RdapObject['objectClass'];

type Json = Record<string, unknown>;

/** Reads an answer as the object class asked for. */
export function parseRdapObject<Class extends RdapObjectClass>(json: unknown, objectClass: Class, host: string): Extract<RdapObject, { objectClass: Class }>;
export function parseRdapObject(json: unknown, objectClass: RdapObjectClass, host: string): RdapObject {
  if (!isObject(json)) throw new RdapMalformedError(host, 'not a JSON object');
  if (json.objectClassName !== objectClass) {
    const got = typeof json.objectClassName === 'string' ? `“${text(json.objectClassName)}”` : 'no objectClassName';
    throw new RdapMalformedError(host, `asked for the object class “${objectClass}”, got ${got}`);
  }
  const entities = walkEntities(json.entities);
  const common: RdapObjectCommon = {
    handle: text(json.handle),
    status: texts(json.status),
    ...events(json.events),
    redacted: redactions(json.redacted),
    holder: contactWithRole(entities, 'registrant'),
    abuse: entities.find((entity) => entity.roles.includes('abuse') && entity.contact.email !== undefined)?.contact,
    port43: text(json.port43),
  };
  if (objectClass === 'domain') return domain(json, common, entities, host);
  if (objectClass === 'ip network') return network(json, common, host);
  return autnum(json, common, host);
}

function domain(json: Json, common: RdapObjectCommon, entities: readonly WalkedEntity[], host: string): RdapDomain {
  const ldhName = text(json.ldhName)?.toLowerCase().replace(/\.$/, '');
  if (!ldhName) throw new RdapMalformedError(host, 'a domain without ldhName');
  const secure = isObject(json.secureDNS) ? json.secureDNS : {};
  const nameservers = list(json.nameservers).flatMap((server) => {
    const name = isObject(server) ? text(server.ldhName)?.toLowerCase().replace(/\.$/, '') : undefined;
    // A host name in LDH form, as the field's name promises; anything else is not a name server.
    return name && /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name) ? [name] : [];
  });
  return {
    ...common,
    objectClass: 'domain',
    ldhName,
    nameservers: [...new Set(nameservers)],
    ...(typeof secure.delegationSigned === 'boolean' && { delegationSigned: secure.delegationSigned }),
    ...(Array.isArray(secure.dsData) && { dsCount: secure.dsData.length }),
    registrar: contactWithRole(entities, 'registrar'),
    // The registrar's abuse contact is nested in the registrar (RDAP profile of gTLDs), and is the one to show.
    abuse:
      entities.find((entity) => entity.roles.includes('abuse') && entity.parentRoles.includes('registrar') && entity.contact.email)?.contact ?? common.abuse,
    relatedRdap: list(json.links).flatMap((link) => {
      if (!isObject(link) || link.rel !== 'related' || typeof link.href !== 'string') return [];
      if (typeof link.type === 'string' && !/^application\/rdap\+json/i.test(link.type)) return [];
      return /^https:\/\//i.test(link.href) && link.href.length <= 2000 ? [link.href] : [];
    }),
  };
}

function network(json: Json, common: RdapObjectCommon, host: string): RdapNetwork {
  const startAddress = typeof json.startAddress === 'string' ? parseIpAddress(json.startAddress) : undefined;
  const endAddress = typeof json.endAddress === 'string' ? parseIpAddress(json.endAddress) : undefined;
  if (!startAddress || !endAddress || startAddress.version !== endAddress.version || compareBytes(startAddress.bytes, endAddress.bytes) > 0)
    throw new RdapMalformedError(host, 'an IP network without a valid startAddress and endAddress');
  return {
    ...common,
    objectClass: 'ip network',
    startAddress,
    endAddress,
    cidrs: cidr0(json.cidr0_cidrs, startAddress.version) ?? rangeCidrs(startAddress, endAddress),
    name: text(json.name),
    type: text(json.type),
    country: country(json.country),
    parentHandle: text(json.parentHandle),
    originAutnums: list(json.arin_originas0_originautnums, MAX_LIST).filter(isAsn),
  };
}

function autnum(json: Json, common: RdapObjectCommon, host: string): RdapAutnum {
  const { startAutnum, endAutnum } = json;
  if (!isAsn(startAutnum) || !isAsn(endAutnum ?? startAutnum)) throw new RdapMalformedError(host, 'an autnum without a valid startAutnum');
  return {
    ...common,
    objectClass: 'autnum',
    startAutnum,
    endAutnum: (endAutnum ?? startAutnum) as number,
    name: text(json.name),
    type: text(json.type),
    country: country(json.country),
  };
}

function isAsn(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/** An entity as found in the tree, with its roles and those of the entities it sits in. */
interface WalkedEntity {
  readonly roles: readonly string[];
  readonly parentRoles: readonly string[];
  readonly contact: RdapContact;
}

/** Every entity, breadth first (the top ones before those nested in them), within the depth and count limits. */
function walkEntities(top: unknown): WalkedEntity[] {
  const found: WalkedEntity[] = [];
  let level: { entity: unknown; parentRoles: readonly string[] }[] = list(top).map((entity) => ({ entity, parentRoles: [] }));
  for (let depth = 0; depth < MAX_ENTITY_DEPTH && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const { entity, parentRoles } of level) {
      if (found.length >= MAX_ENTITIES) return found;
      if (!isObject(entity)) continue;
      const roles = texts(entity.roles).map((role) => role.toLowerCase());
      found.push({ roles, parentRoles, contact: contact(entity, roles) });
      for (const child of list(entity.entities)) next.push({ entity: child, parentRoles: roles });
    }
    level = next;
  }
  return found;
}

function contactWithRole(entities: readonly WalkedEntity[], role: string): RdapContact | undefined {
  return entities.find((entity) => entity.roles.includes(role))?.contact;
}

function contact(entity: Json, roles: readonly string[]): RdapContact {
  const card = vcard(entity.vcardArray);
  const kind = card.kind?.toLowerCase();
  // A person's name is never kept: only an organisation's, a group's, or a registrar's (a company by accreditation).
  const named = kind === 'org' || kind === 'group' || (roles.includes('registrar') && kind !== 'individual');
  const organisation = named ? (card.org ?? card.fn) : kind === 'individual' ? undefined : card.org;
  const ianaId = list(entity.publicIds).find((id) => isObject(id) && typeof id.type === 'string' && /iana registrar id/i.test(id.type));
  return {
    handle: text(entity.handle),
    ...(organisation && !/^redacted/i.test(organisation) && { organisation }),
    ...(kind && { kind }),
    ...(roles.includes('abuse') && card.email && { email: card.email }),
    ...(isObject(ianaId) && { ianaId: text(ianaId.identifier) }),
  };
}

/** The few vCard properties read (jCard, RFC 7095): fn, kind, org, email. Phones and addresses are not read. */
function vcard(value: unknown): { fn?: string; kind?: string; org?: string; email?: string } {
  const card: { fn?: string; kind?: string; org?: string; email?: string } = {};
  if (!Array.isArray(value) || value[0] !== 'vcard') return card;
  for (const property of list(value[1], 60)) {
    if (!Array.isArray(property) || typeof property[0] !== 'string') continue;
    const name = property[0].toLowerCase();
    if (name !== 'fn' && name !== 'kind' && name !== 'org' && name !== 'email') continue;
    // org may be structured (["Org", "Unit"]): its first component is the organisation.
    const value = Array.isArray(property[3]) ? text(property[3][0]) : text(property[3]);
    if (value && card[name] === undefined) card[name] = value;
  }
  return card;
}

function events(value: unknown): Pick<RdapDomain, 'registered' | 'updated' | 'expires'> {
  const dates: { registered?: Date; updated?: Date; expires?: Date } = {};
  const fields: Record<string, keyof typeof dates> = { registration: 'registered', 'last changed': 'updated', expiration: 'expires' };
  for (const event of list(value)) {
    if (!isObject(event) || typeof event.eventAction !== 'string' || typeof event.eventDate !== 'string') continue;
    const field = fields[event.eventAction.toLowerCase()];
    const date = new Date(event.eventDate);
    if (field && !Number.isNaN(date.getTime()) && dates[field] === undefined) dates[field] = date;
  }
  return dates;
}

/** RFC 9537: each redaction's name, by its registered type or its description. */
function redactions(value: unknown): string[] {
  return list(value).flatMap((redaction) => {
    const name = isObject(redaction) && isObject(redaction.name) ? (text(redaction.name.type) ?? text(redaction.name.description)) : undefined;
    return name ? [name] : [];
  });
}

/** cidr0_cidrs (the cidr0 extension most RIRs serve): [{v4prefix or v6prefix, length}]. */
function cidr0(value: unknown, version: 4 | 6): IpPrefix[] | undefined {
  const cidrs = list(value).flatMap((entry) => {
    if (!isObject(entry) || typeof entry.length !== 'number') return [];
    const prefix = text(version === 4 ? entry.v4prefix : entry.v6prefix);
    const address = prefix ? parseIpAddress(prefix) : undefined;
    const max = version === 4 ? 32 : 128;
    return address?.version === version && Number.isInteger(entry.length) && entry.length >= 0 && entry.length <= max
      ? [{ address: networkOf(address, entry.length), length: entry.length }]
      : [];
  });
  return cidrs.length ? cidrs : undefined;
}

/** The fewest CIDRs that make up start–end, at most MAX_LIST of them. */
function rangeCidrs(start: IpAddress, end: IpAddress): IpPrefix[] {
  const bits = start.bytes.length * 8;
  let from = bigintOf(start.bytes);
  const to = bigintOf(end.bytes);
  const cidrs: IpPrefix[] = [];
  while (from <= to && cidrs.length < MAX_LIST) {
    let size = 0;
    while (size < bits && (from & ((1n << BigInt(size + 1)) - 1n)) === 0n && from + (1n << BigInt(size + 1)) - 1n <= to) size++;
    cidrs.push({ address: { version: start.version, bytes: bytesOf(from, start.bytes.length) }, length: bits - size });
    from += 1n << BigInt(size);
  }
  return cidrs;
}

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function bytesOf(value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, value >>= 8n) bytes[i] = Number(value & 0xffn);
  return bytes;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function country(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown, max = MAX_ENTITIES): unknown[] {
  return Array.isArray(value) ? value.slice(0, max) : [];
}

/** A string field, cut to MAX_TEXT characters (marked with …); anything else is absent. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const trimmed = value.trim();
  return trimmed.length > MAX_TEXT ? `${[...trimmed].slice(0, MAX_TEXT).join('')}…` : trimmed;
}

function texts(value: unknown): string[] {
  return list(value, MAX_LIST).flatMap((item) => text(item) ?? []);
}
