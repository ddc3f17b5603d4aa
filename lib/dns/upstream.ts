import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';

/** One DNS server the bot asks, as configured in DNS_UPSTREAM or DNS_PROFILES. */
export type Upstream =
  | { readonly protocol: 'udp' | 'tcp'; readonly host: string; readonly port: number; readonly label: string }
  | { readonly protocol: 'https'; readonly url: string; readonly label: string };

export class InvalidUpstreamError extends Error {
  override readonly name = 'InvalidUpstreamError';
}

/**
 * `host`, `host:port`, `[v6]:port`, a bare IPv6 address, `udp://host:port`,
 * `tcp://host:port` (TCP only) or `https://host/dns-query` (DoH, RFC 8484).
 */
export function parseUpstream(text: string): Upstream {
  const spec = text.trim();
  if (/^https:\/\//i.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new InvalidUpstreamError(`“${spec}” is not a valid DoH URL`);
    }
    return { protocol: 'https', url: url.href, label: url.href };
  }
  const scheme = /^(udp|tcp):\/\/(.*)$/i.exec(spec);
  const protocol = scheme ? (scheme[1].toLowerCase() as 'udp' | 'tcp') : 'udp';
  const rest = scheme ? scheme[2].replace(/\/$/, '') : spec;
  const { host, port } = splitHostPort(rest, spec);
  const hostLabel = isIPv6(host) ? `[${host}]` : host;
  const label = `${protocol === 'tcp' ? 'tcp://' : ''}${hostLabel}${port === 53 ? '' : `:${port}`}`;
  return { protocol, host, port, label };
}

function splitHostPort(text: string, spec: string): { host: string; port: number } {
  if (isIPv6(text)) return { host: text, port: 53 };
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  if (!match || (match[0].startsWith('[') && !isIPv6(match[1]))) {
    throw new InvalidUpstreamError(`“${spec}” is not host, host:port, [IPv6]:port, udp://…, tcp://… or https://…`);
  }
  const port = match[2] === undefined ? 53 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidUpstreamError(`“${spec}” has no valid port`);
  return { host: match[1], port };
}

export function parseUpstreamList(text: string): Upstream[] {
  const upstreams = text
    .split(/[,|]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseUpstream);
  if (upstreams.length === 0) throw new InvalidUpstreamError('no upstream given');
  return upstreams;
}

/** The nameservers of /etc/resolv.conf, the default upstreams. */
export function systemUpstreams(path = '/etc/resolv.conf'): Upstream[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    throw new InvalidUpstreamError(`${path} cannot be read; set DNS_UPSTREAM`);
  }
  const servers = [...content.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1].replace(/%.*$/, ''));
  if (servers.length === 0) throw new InvalidUpstreamError(`${path} names no nameserver; set DNS_UPSTREAM`);
  return servers.map(parseUpstream);
}
