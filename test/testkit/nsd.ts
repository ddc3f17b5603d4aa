/**
 * NSD, Debian's authoritative server, on a free loopback port, serving zone
 * files: a DNS server we did not write, for the tests that must meet one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { freePort, waitForDns } from '../support/processes.ts';

export const NSD = '/usr/sbin/nsd';

/** Why a test of real DNS software cannot run here, or false: skipped with the reason, unless CI requires them. */
export function missingDnsSoftware(...programs: string[]): string | false {
  const missing = [NSD, ...programs].filter((program) => !existsSync(program));
  if (missing.length === 0 || process.env.FEDIDIG_REQUIRE_REAL_SERVERS === '1') return false;
  return `not installed: ${missing.join(', ')} (apt-get install nsd unbound ldnsutils, as .ci/run does)`;
}

export interface Nsd {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves each zone file (its origin is its file name less `.zone` or `.zone.signed`). */
export async function startNsd(zoneFiles: readonly string[]): Promise<Nsd> {
  const dir = mkdtempSync(join(tmpdir(), 'fedidig-nsd-'));
  const port = await freePort();
  const zones = zoneFiles.map((file) => {
    copyFileSync(file, join(dir, basename(file)));
    return ['zone:', `  name: ${basename(file).replace(/\.zone(\.signed)?$/, '')}`, `  zonefile: ${basename(file)}`];
  });
  writeFileSync(
    join(dir, 'nsd.conf'),
    [
      'server:',
      `  ip-address: 127.0.0.1@${port}`,
      '  username: ""',
      '  chroot: ""',
      `  zonesdir: "${dir}"`,
      `  pidfile: "${dir}/nsd.pid"`,
      `  xfrdfile: "${dir}/xfrd.state"`,
      `  zonelistfile: "${dir}/zone.list"`,
      '  database: ""',
      `  logfile: "${dir}/nsd.log"`,
      '  server-count: 1',
      '  do-ip6: no',
      'remote-control:',
      '  control-enable: no',
      ...zones.flat(),
      '',
    ].join('\n'),
  );
  const nsd = spawn(NSD, ['-d', '-c', join(dir, 'nsd.conf')], { stdio: 'inherit' });
  await waitForDns('127.0.0.1', port);
  return { address: `127.0.0.1:${port}`, port, close: () => stopAndRemove(nsd, dir) };
}

/** Ends a server started here and removes its folder. */
export async function stopAndRemove(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
