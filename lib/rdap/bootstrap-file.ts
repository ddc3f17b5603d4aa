/**
 * An operator's bootstrap file (RDAP_BOOTSTRAP_DIR/dns.json, ipv4.json,
 * ipv6.json or asn.json) as a kind of the data-file pipeline: watched,
 * loaded in a child process, kept as a snapshot in STATE_DIR, swapped in
 * whole when the operator replaces it. Which registry a file is comes from
 * its name, and is the loaded value's `format`.
 */
import { basename, join } from 'node:path';
import type { DataFileFacts, DataFileKind } from '../datafile/data-file.ts';
import { DataFileLoadError, DataFormatError } from '../datafile/errors.ts';
import { loadDataFile } from '../datafile/file-content.ts';
import {
  bootstrapFiles,
  MAX_BOOTSTRAP_BYTES,
  parseBootstrapFile,
  type AsnEntry,
  type BootstrapFile,
  type DnsEntry,
  type IpEntry,
  type RdapBootstrap,
} from './bootstrap.ts';

type AnyEntry = DnsEntry | IpEntry | AsnEntry;

export interface LoadedBootstrapFile extends DataFileFacts<BootstrapFile> {
  readonly registry: RdapBootstrap[BootstrapFile];
}

/** A registry as it lies in a snapshot, which brings it back from the build process: its service URLs once each, and per entry the index of its service and its key. */
export interface BootstrapFileParts {
  /** The https base URLs; '' for a service listed over plain http only. */
  readonly urls: readonly string[];
  readonly service: Uint32Array;
  /** dns: the labels. */
  readonly labels: readonly string[];
  /** ipv4, ipv6: the networks' bytes, one after the other, and their lengths. */
  readonly networks: Uint8Array;
  readonly lengths: Uint8Array;
  /** asn: the first and last number of each range. */
  readonly first: Uint32Array;
  readonly last: Uint32Array;
}

/** Loads one bootstrap file; rejects with DataFileLoadError. */
export async function loadBootstrapFile(path: string): Promise<LoadedBootstrapFile> {
  const file = bootstrapFiles.find((name) => basename(path) === `${name}.json`);
  if (file === undefined)
    throw new DataFileLoadError(path, new DataFormatError(`the file's name is none of ${bootstrapFiles.map((name) => `${name}.json`).join(', ')}`));
  return loadDataFile(path, async (chunks) => {
    const buffers: Buffer[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > MAX_BOOTSTRAP_BYTES) throw new DataFormatError(`larger than ${MAX_BOOTSTRAP_BYTES} bytes`);
      buffers.push(chunk);
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(buffers).toString('utf8'));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new DataFormatError(`not JSON (${error.message})`);
    }
    const registry = parseBootstrapFile(file, json);
    return { format: file, dataTime: registry.publication, registry };
  });
}

export const bootstrapFile: DataFileKind<LoadedBootstrapFile, BootstrapFileParts> = {
  name: 'rdap-bootstrap',
  module: import.meta.url,
  exportName: 'bootstrapFile',
  load: loadBootstrapFile,
  parts: ({ registry }) => {
    const entries = registry.entries as readonly AnyEntry[];
    const urls = [...new Set(entries.map((entry) => entry.url ?? ''))];
    const pick = <T>(read: (entry: AnyEntry) => T | undefined): T[] => entries.flatMap((entry) => (read(entry) === undefined ? [] : [read(entry)!]));
    return {
      urls,
      service: Uint32Array.from(entries, (entry) => urls.indexOf(entry.url ?? '')),
      labels: pick((entry) => ('label' in entry ? entry.label : undefined)),
      networks: Uint8Array.from(pick((entry) => ('network' in entry ? [...entry.network.bytes] : undefined)).flat()),
      lengths: Uint8Array.from(pick((entry) => ('network' in entry ? entry.length : undefined))),
      first: Uint32Array.from(pick((entry) => ('first' in entry ? entry.first : undefined))),
      last: Uint32Array.from(pick((entry) => ('first' in entry ? entry.last : undefined))),
    };
  },
  assemble: (facts, parts) => {
    const url = (i: number) => parts.urls[parts.service[i]!] || undefined;
    const publication = facts.dataTime ? { publication: facts.dataTime } : {};
    const count = parts.service.length;
    const entries =
      facts.format === 'dns'
        ? Array.from({ length: count }, (_, i) => ({ label: parts.labels[i]!, url: url(i) }))
        : facts.format === 'asn'
          ? Array.from({ length: count }, (_, i) => ({ first: parts.first[i]!, last: parts.last[i]!, url: url(i) }))
          : Array.from({ length: count }, (_, i) => {
              const width = facts.format === 'ipv4' ? 4 : 16;
              const bytes = parts.networks.slice(i * width, (i + 1) * width);
              return { network: { version: width === 4 ? 4 : 6, bytes } as const, length: parts.lengths[i]!, url: url(i) };
            });
    return { ...facts, registry: { ...publication, entries } as RdapBootstrap[BootstrapFile] };
  },
};

/** Reads `dns.json`, `ipv4.json`, `ipv6.json` and `asn.json` from a folder, as IANA publishes them, once (nothing watched); rejects with DataFileLoadError. */
export async function loadBootstrapDir(dir: string): Promise<RdapBootstrap> {
  const [dns, ipv4, ipv6, asn] = await Promise.all(bootstrapFiles.map((file) => loadBootstrapFile(join(dir, `${file}.json`))));
  return bootstrapOf({ dns: dns!, ipv4: ipv4!, ipv6: ipv6!, asn: asn! });
}

/** The four files' registries together, as the RDAP client asks them (each file's registry is of its name's kind: its format). */
export function bootstrapOf(files: Record<BootstrapFile, LoadedBootstrapFile>): RdapBootstrap {
  return { dns: files.dns.registry, ipv4: files.ipv4.registry, ipv6: files.ipv6.registry, asn: files.asn.registry } as RdapBootstrap;
}
