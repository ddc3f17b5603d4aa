/** Helpers shared by the table tests. */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { RoutingTable } from '../../../lib/bgp/table/routing-table.ts';
import { formatPrefix, type IpPrefix, parseCidr } from '../../../lib/net/ip-address.ts';

const BGPDUMP = '/usr/bin/bgpdump';
const BGPDUMP_INSTALL = 'apt-get install bgpdump';

/**
 * `bgpdump -m FILE` output, or undefined (the test skipped, saying why) when
 * bgpdump is not installed; with FEDIDIG_REQUIRE_REAL_SERVERS=1 (CI) its
 * absence fails the test.
 */
export async function bgpdumpOutput(t: TestContext, file: string): Promise<Buffer | undefined> {
  if (!existsSync(BGPDUMP)) {
    const message = `${BGPDUMP} is not installed (${BGPDUMP_INSTALL})`;
    if (process.env.FEDIDIG_REQUIRE_REAL_SERVERS === '1') assert.fail(`${message}, and FEDIDIG_REQUIRE_REAL_SERVERS=1`);
    t.skip(message);
    return undefined;
  }
  const { stdout } = await promisify(execFile)(BGPDUMP, ['-q', '-m', file], { encoding: 'buffer', maxBuffer: 256 << 20 });
  return stdout;
}

/** Every route of a table as `prefix origins…`, in handle order (IPv4, then IPv6). */
export function routesOf(table: RoutingTable): string[] {
  const routes: string[] = [];
  for (let handle = 0; handle < table.ipv4Prefixes + table.ipv6Prefixes; handle++) {
    const { prefix, origins } = table.route(handle);
    routes.push([formatPrefix(prefix), ...origins].join(' '));
  }
  return routes;
}

/** Every route of a table with all it says (prefix, origins, paths, visibility, upstreams), in handle order. */
export function routeDump(table: RoutingTable): string[] {
  return Array.from({ length: table.ipv4Prefixes + table.ipv6Prefixes }, (_, handle) => {
    const { prefix, origins, paths } = table.route(handle);
    return JSON.stringify({ prefix: formatPrefix(prefix), origins, paths });
  });
}

/** Content handed over in pieces of `size` bytes (all at once by default), as a stream would. */
export async function* inPieces(content: Buffer, size = content.length): AsyncGenerator<Buffer> {
  for (let i = 0; i < content.length; i += size) yield content.subarray(i, i + size);
}

/** A prefix written as CIDR text, for expected values: `cidr('192.0.2.0/24')`. */
export function cidr(text: string): IpPrefix {
  const prefix = parseCidr(text);
  assert.ok(prefix, `${text} is a prefix`);
  return prefix;
}
