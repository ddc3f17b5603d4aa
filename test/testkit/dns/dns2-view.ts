/**
 * What dns2 2.4's objects carry beyond its declarations (ts/index.d.ts), as
 * its source has them: Packet.Header sets and parses the AD and CD bits
 * (packet.js, Packet.Header and Header.parse), an OPT record parsed by
 * Resource.EDNS.decode has its DO bit as `doFlag`, and a server made by
 * createServer keeps its sockets in `servers` (server/dns.js). Each view
 * checks the fields it declares and throws where dns2 no longer has them.
 */
import { Socket as UdpSocket } from 'node:dgram';
import { Server as TcpServer } from 'node:net';
import dns2 from 'dns2';

type Bit = 0 | 1;

export interface Dns2Header extends dns2.Packet.Header {
  /** Authentic Data (RFC 4035 §3.2.3; in a query, RFC 6840 §5.7). */
  ad: Bit;
  /** Checking Disabled (RFC 4035 §3.2.2). */
  cd: Bit;
}

export interface Dns2Message {
  /** The packet's header itself, so that setting a bit sets it in the packet (until toBuffer copies it). */
  readonly header: Dns2Header;
  /** The OPT record's DO bit (RFC 3225), where the message has EDNS. */
  readonly opt: { readonly doFlag: boolean } | undefined;
}

const isBit = (value: unknown): value is Bit => value === 0 || value === 1;

function hasDnssecBits(header: dns2.Packet.Header): header is Dns2Header {
  return 'ad' in header && 'cd' in header && isBit(header.ad) && isBit(header.cd);
}

function hasDoFlag(record: dns2.Packet.Resource): record is dns2.Packet.Resource & { doFlag: boolean } {
  return 'doFlag' in record && typeof record.doFlag === 'boolean';
}

/** A packet's header with its AD and CD bits, and its OPT record, typed. */
export function dns2Message(packet: dns2.Packet): Dns2Message {
  const { header } = packet;
  if (!hasDnssecBits(header)) throw new Error('dns2 packet header without its AD and CD bits');
  const opt = packet.additionals.find((record) => record.type === dns2.Packet.TYPE.EDNS);
  if (opt === undefined) return { header, opt };
  if (!hasDoFlag(opt)) throw new Error('dns2 OPT record without its DO bit');
  return { header, opt };
}

/** The UDP and TCP sockets of a server made with `{ udp: true, tcp: true }`, for binding them before it listens. */
export function dns2Sockets(server: dns2.DnsServer): { readonly udp: UdpSocket; readonly tcp: TcpServer } {
  const servers = 'servers' in server && typeof server.servers === 'object' && server.servers !== null ? server.servers : {};
  const udp = 'udp' in servers ? servers.udp : undefined;
  const tcp = 'tcp' in servers ? servers.tcp : undefined;
  if (!(udp instanceof UdpSocket && tcp instanceof TcpServer)) throw new Error('dns2 server without its UDP and TCP sockets');
  return { udp, tcp };
}
