import { isIPv6 } from 'node:net';
import { UpstreamResolver } from '../upstream-resolver.ts';
import type { ServerQuery } from './name-server.ts';

/**
 * The trace's queries as the bot sends them: UDP to the server's address and
 * port, TCP on truncation, EDNS with the FORMERR fallback, the answer checked
 * for id and question: what UpstreamResolver does for one upstream.
 */
export function udpServerQuery(timeoutMs: number): ServerQuery {
  return (server, question, signal) => {
    const label = `${isIPv6(server.address) ? `[${server.address}]` : server.address}${server.port === 53 ? '' : `:${server.port}`}`;
    return new UpstreamResolver([{ protocol: 'udp', host: server.address, port: server.port, label }], timeoutMs).resolve(question, signal);
  };
}
