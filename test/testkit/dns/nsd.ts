/**
 * NSD, Debian's authoritative server, on a free loopback port, serving zone
 * files: a DNS server we did not write, for the tests that must meet one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { freePort, waitForDns } from '../bot/processes.ts';

export const NSD = '/usr/sbin/nsd';

/** Why a test of real DNS software cannot run here, or false: skipped with the reason, unless CI requires them. */
export function missingDnsSoftware(...programs: string[]): string | false {
  const missing = [NSD, ...programs].filter((program) => !existsSync(program));
  if (missing.length === 0 || process.env.FEDIDIG_REQUIRE_REAL_SERVERS === '1') return false;
  return `not installed: ${missing.join(', ')} (apt-get install nsd unbound ldnsutils, as .ci/run does)`;
}

export interface Nsd {
  /** `HOST:PORT`, the first address it listens on. */
  readonly address: string;
  readonly port: number;
  /** Serves a zone file anew (one of those it started with, by file name), as an operator's reload after editing it. */
  reload(zoneFile: string): Promise<void>;
  close(): Promise<void>;
}

/** A zone file and its origin, for a file whose name does not say it (the root's). */
export interface ZoneFile {
  readonly origin: string;
  readonly file: string;
}

/**
 * Serves each zone file (its origin is its file name less `.zone` or
 * `.zone.signed`, unless given), on a free port of 127.0.0.1 or on the
 * addresses given (as root, port 53 of other loopback addresses).
 */
export async function startNsd(zoneFiles: readonly (string | ZoneFile)[], listen?: readonly { host: string; port: number }[]): Promise<Nsd> {
  const dir = mkdtempSync(join(tmpdir(), 'fedidig-nsd-'));
  const addresses = listen ?? [{ host: '127.0.0.1', port: await freePort() }];
  const zones = zoneFiles.map((zone) => {
    const { origin, file } = typeof zone === 'string' ? { origin: basename(zone).replace(/\.zone(\.signed)?$/, ''), file: zone } : zone;
    copyFileSync(file, join(dir, basename(file)));
    return ['zone:', `  name: "${origin}"`, `  zonefile: ${basename(file)}`];
  });
  writeFileSync(
    join(dir, 'nsd.conf'),
    [
      'server:',
      ...addresses.map(({ host, port }) => `  ip-address: ${host}@${port}`),
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
  const [{ host, port }] = addresses;
  await waitForDns(host, port).catch(async (error: unknown) => {
    await stopAndRemove(nsd, dir);
    throw error;
  });
  let reloads = 0;
  return {
    address: `${host}:${port}`,
    port,
    async reload(zoneFile) {
      const copy = join(dir, basename(zoneFile));
      copyFileSync(zoneFile, copy);
      // NSD reloads a zone whose file's mtime changed; within the same second it would not see the edit.
      const mtime = Date.now() / 1000 + ++reloads * 10;
      utimesSync(copy, mtime, mtime);
      nsd.kill('SIGHUP');
      await waitForDns(host, port);
    },
    close: () => stopAndRemove(nsd, dir),
  };
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
