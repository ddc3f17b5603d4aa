/**
 * A validating resolver we did not write: Debian's Unbound, with Extended
 * DNS Errors and an NSID, in front of NSD serving `signed.test`, a zone
 * signed here with ldns-signzone (ECDSA P-256, NSEC3) whose key Unbound
 * trusts. One record, `bogus.signed.test A`, has its signature broken, so
 * that validation fails for it as it does for a tampered answer; one child,
 * `broken.signed.test`, is signed with keys other than the one its parent's
 * DS names, as after a botched key roll; `plain.test` is not signed at all.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForDns } from '../bot/processes.ts';
import { type Nsd, startNsd, stopAndRemove } from './nsd.ts';

export const UNBOUND = '/usr/sbin/unbound';
export const LDNS_SIGNZONE = '/usr/bin/ldns-signzone';
export const NSID = 'fedidig-test-unbound';

const SIGNED_ZONE = `$ORIGIN signed.test.
$TTL 300
@ SOA ns1 hostmaster 2026113001 7200 3600 1209600 300
@ NS ns1
ns1 A 127.0.0.1
@ A 192.0.2.80
www A 192.0.2.81
bogus A 192.0.2.82
broken NS ns1
`;
const BROKEN_CHILD_ZONE = `$ORIGIN broken.signed.test.
$TTL 300
@ SOA ns1.signed.test. hostmaster.signed.test. 2026113001 7200 3600 1209600 300
@ NS ns1.signed.test.
@ A 192.0.2.83
`;
const PLAIN_ZONE = `$ORIGIN plain.test.
$TTL 300
@ SOA ns1 hostmaster 2026113001 7200 3600 1209600 300
@ NS ns1
ns1 A 127.0.0.1
@ A 192.0.2.90
`;

export interface ValidatingResolver {
  /** Unbound's `127.0.0.1:PORT`, to use as DNS_UPSTREAM. */
  readonly address: string;
  /** NSD's, the authoritative server behind it. */
  readonly authoritative: string;
  close(): Promise<void>;
}

/**
 * `serverLines` go into Unbound's `server:` clause as they are: a censoring
 * resolver is this one with `local-zone: … redirect` and `local-data: …`.
 */
export async function startValidatingResolver(serverLines: readonly string[] = []): Promise<ValidatingResolver> {
  const dir = mkdtempSync(join(tmpdir(), 'fedidig-unbound-'));
  writeFileSync(join(dir, 'plain.test.zone'), PLAIN_ZONE);
  const keygen = (zone: string, ...flags: string[]) =>
    execFileSync('ldns-keygen', ['-a', 'ECDSAP256SHA256', ...flags, zone], { cwd: dir, encoding: 'utf8' }).trim();
  const sign = (zone: string, text: string) => {
    writeFileSync(join(dir, `${zone}.zone`), text);
    const ksk = keygen(zone, '-k');
    execFileSync(LDNS_SIGNZONE, ['-n', `${zone}.zone`, ksk, keygen(zone)], { cwd: dir });
    return ksk;
  };
  const ds = (key: string) => readFileSync(join(dir, `${key}.ds`), 'utf8').trim();
  sign('broken.signed.test', BROKEN_CHILD_ZONE);
  // The parent vouches for a key the child does not use.
  const ksk = sign('signed.test', `${SIGNED_ZONE}${ds(keygen('broken.signed.test', '-k'))}\n`);
  const signedPath = join(dir, 'signed.test.zone.signed');
  writeFileSync(signedPath, breakSignature(readFileSync(signedPath, 'utf8'), 'bogus.signed.test.'));
  // `signed.test. IN DS 38387 13 2 C6CB…`: the trust anchor is that record without its class.
  const [owner, , ...anchor] = ds(ksk).split(/\s+/);
  let nsd: Nsd | undefined;
  try {
    nsd = await startNsd([signedPath, join(dir, 'broken.signed.test.zone.signed'), join(dir, 'plain.test.zone')]);
    const port = await freePort();
    writeFileSync(
      join(dir, 'unbound.conf'),
      [
        'server:',
        `  interface: 127.0.0.1@${port}`,
        `  port: ${port}`,
        '  do-ip6: no',
        '  do-not-query-localhost: no',
        '  username: ""',
        '  chroot: ""',
        `  directory: "${dir}"`,
        `  pidfile: "${dir}/unbound.pid"`,
        '  use-syslog: no',
        `  logfile: "${dir}/unbound.log"`,
        '  num-threads: 1',
        '  so-reuseport: no',
        '  access-control: 127.0.0.0/8 allow',
        // Unbound answers the special-use .test with NXDOMAIN unless told otherwise (RFC 6761).
        '  local-zone: "test." nodefault',
        '  module-config: "validator iterator"',
        `  trust-anchor: "${owner} ${anchor.join(' ')}"`,
        '  ede: yes',
        `  nsid: "ascii_${NSID}"`,
        '  val-log-level: 2',
        ...serverLines.map((line) => `  ${line}`),
        'remote-control:',
        '  control-enable: no',
        ...['signed.test', 'broken.signed.test', 'plain.test'].flatMap((zone) => ['stub-zone:', `  name: "${zone}"`, `  stub-addr: 127.0.0.1@${nsd!.port}`]),
        '',
      ].join('\n'),
    );
    const unbound = spawn(UNBOUND, ['-d', '-c', join(dir, 'unbound.conf')], { stdio: 'inherit' });
    await waitForDns('127.0.0.1', port);
    const authoritative = nsd;
    return {
      address: `127.0.0.1:${port}`,
      authoritative: authoritative.address,
      close: async () => {
        await stopAndRemove(unbound, dir);
        await authoritative.close();
      },
    };
  } catch (error) {
    await nsd?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** One changed character in the signature of the owner's RRSIG: the data stays, its proof no longer holds. */
function breakSignature(zone: string, owner: string): string {
  return zone.replace(
    new RegExp(`^(${owner.replace(/\./g, '\\.')}\\s.*\\sRRSIG\\s.*\\s)(\\S)(\\S+)$`, 'm'),
    (_, head: string, first: string, rest: string) => `${head}${first === 'A' ? 'B' : 'A'}${rest}`,
  );
}
