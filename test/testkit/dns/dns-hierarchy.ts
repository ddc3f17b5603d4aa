/**
 * A small DNS of our own for +trace, served by NSD on port 53 of several
 * loopback addresses (binding port 53 needs root, as the tests and CI run):
 *
 * - `.` on NET.1, with `test.` delegated to NET.2;
 * - `test.` on NET.2, delegating `example.test` (signed with ldns-signzone,
 *   its DS in `test.`) to NET.3 with glue; `noglue.test` to ns.example.test
 *   without glue; `lame.test` to NET.3, which does not serve it (REFUSED);
 *   `loop.test` back to NET.2 itself, which refers to it again; `dangling.test`
 *   to a name that does not exist; `slow.test` to NET.9, where nothing
 *   listens, then NET.3;
 * - NET.3 serves `example.test`, `noglue.test` and `slow.test`.
 *
 * NET is 127.53.X with X picked at random where port 53 is free, so that runs
 * in parallel (and other tests) do not meet.
 */
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Nsd, startNsd } from './nsd.ts';
import { LDNS_SIGNZONE } from './validating-resolver.ts';

export interface DnsHierarchy {
  /** The first three octets of the addresses, e.g. `127.53.17`. */
  readonly net: string;
  /** Where a trace starts: the root server's address (port 53). */
  readonly root: string;
  close(): Promise<void>;
}

const soa = (mname: string) => `@ SOA ${mname} hostmaster 2026120101 7200 3600 1209600 300`;

const rootZone = (net: string) => [
  '$ORIGIN .',
  '$TTL 3600',
  soa('a.root-servers.test.'),
  '. NS a.root-servers.test.',
  `a.root-servers.test. A ${net}.1`,
  'test. NS ns1.nic.test.',
  'test. NS ns2.nic.test.',
  `ns1.nic.test. A ${net}.2`,
  `ns2.nic.test. A ${net}.2`,
];

const testZone = (net: string, exampleDs: string) => [
  '$ORIGIN test.',
  '$TTL 3600',
  soa('ns1.nic'),
  '@ NS ns1.nic',
  '@ NS ns2.nic',
  `ns1.nic A ${net}.2`,
  `ns2.nic A ${net}.2`,
  `a.root-servers A ${net}.1`,
  'www A 192.0.2.40',
  'example NS ns1.example',
  `ns1.example A ${net}.3`,
  exampleDs,
  'noglue NS ns.example.test.',
  'lame NS ns1.lame',
  `ns1.lame A ${net}.3`,
  'loop NS ns1.loop',
  `ns1.loop A ${net}.2`,
  'dangling NS ns.nowhere.test.',
  'slow NS ns1.slow',
  'slow NS ns2.slow',
  `ns1.slow A ${net}.9`,
  `ns2.slow A ${net}.3`,
];

const exampleZone = (net: string) => [
  '$ORIGIN example.test.',
  '$TTL 300',
  soa('ns1'),
  '@ NS ns1',
  `ns1 A ${net}.3`,
  `ns A ${net}.3`,
  '@ A 192.0.2.10',
  'www A 192.0.2.11',
  '@ MX 10 mail',
  'mail A 192.0.2.25',
  'alias CNAME www',
  'elsewhere CNAME www.noglue.test.',
  'far CNAME www.test.',
];

const NOGLUE_ZONE = ['$ORIGIN noglue.test.', '$TTL 300', soa('ns.example.test.'), '@ NS ns.example.test.', 'www A 192.0.2.20'];

const slowZone = (net: string) => [
  '$ORIGIN slow.test.',
  '$TTL 300',
  soa('ns2'),
  '@ NS ns1',
  '@ NS ns2',
  `ns1 A ${net}.9`,
  `ns2 A ${net}.3`,
  'www A 192.0.2.30',
];

/** A 127.53.X where nothing listens on port 53 of X.1 to X.3 (and X.9). */
async function freeNet(): Promise<string> {
  for (;;) {
    const net = `127.53.${1 + Math.floor(Math.random() * 254)}`;
    const free = await Promise.all([1, 2, 3, 9].map((host) => portFree(`${net}.${host}`)));
    if (free.every(Boolean)) return net;
  }
}

function portFree(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(53, host, () => socket.close(() => resolve(true)));
  });
}

/** Signs the zone with a new ECDSA key pair (NSEC): the signed file and the DS record for its parent. */
function signZone(dir: string, origin: string, lines: readonly string[]): { signed: string; ds: string } {
  writeFileSync(join(dir, `${origin}.zone`), `${lines.join('\n')}\n`);
  const keygen = (...flags: string[]) => execFileSync('ldns-keygen', ['-a', 'ECDSAP256SHA256', ...flags, origin], { cwd: dir, encoding: 'utf8' }).trim();
  const ksk = keygen('-k');
  const zsk = keygen();
  execFileSync(LDNS_SIGNZONE, [`${origin}.zone`, ksk, zsk], { cwd: dir });
  return { signed: join(dir, `${origin}.zone.signed`), ds: readFileSync(join(dir, `${ksk}.ds`), 'utf8').trim() };
}

export async function startDnsHierarchy(): Promise<DnsHierarchy> {
  const dir = mkdtempSync(join(tmpdir(), 'fedidig-hierarchy-'));
  const servers: Nsd[] = [];
  const closeAll = async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const net = await freeNet();
    const example = signZone(dir, 'example.test', exampleZone(net));
    // The parent is signed too: only a signed zone's referral carries the child's DS.
    const test = signZone(dir, 'test', testZone(net, example.ds));
    const file = (name: string, lines: readonly string[]) => {
      const path = join(dir, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    };
    const at = (host: number) => [{ host: `${net}.${host}`, port: 53 }];
    servers.push(await startNsd([{ origin: '.', file: file('root.zone', rootZone(net)) }], at(1)));
    servers.push(await startNsd([test.signed], at(2)));
    servers.push(await startNsd([example.signed, file('noglue.test.zone', NOGLUE_ZONE), file('slow.test.zone', slowZone(net))], at(3)));
    return { net, root: `${net}.1`, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
