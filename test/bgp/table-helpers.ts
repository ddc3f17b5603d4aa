/** Helpers shared by the table tests. */

import type { RoutingTable } from '../../lib/bgp/routing-table.ts';

/** Every route of a table as `prefix origins…`, in handle order (IPv4, then IPv6). */
export function routesOf(table: RoutingTable): string[] {
  const routes: string[] = [];
  for (let handle = 0; handle < table.ipv4Prefixes + table.ipv6Prefixes; handle++) {
    const { prefix, origins } = table.route(handle);
    routes.push([prefix, ...origins].join(' '));
  }
  return routes;
}

/** Content handed over in pieces of `size` bytes (all at once by default), as a stream would. */
export async function* inPieces(content: Buffer, size = content.length): AsyncGenerator<Buffer> {
  for (let i = 0; i < content.length; i += size) yield content.subarray(i, i + size);
}
