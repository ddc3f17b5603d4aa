import dns2 from 'dns2';
import { Socket } from 'node:net';
import { dns2Message, dns2Sockets } from './dns2-view.ts';
import {
  REFUSED_NAME,
  ROTATING_ADDRESSES,
  ROTATING_NAME,
  SERVFAIL_NAME,
  SIGNED_NAME,
  SILENT_NAME,
  SOA_RECORD,
  SPOOFED_NAME,
  zoneRecords,
  type ZoneRecord,
} from './test-zone.ts';

const { Packet } = dns2;

export interface LoggedQuery {
  readonly name: string;
  readonly type: number;
  readonly transport: 'udp' | 'tcp';
  readonly edns: boolean;
  readonly dnssecOk: boolean;
  /** The AD bit of the query: "tell me whether you validated" (RFC 6840 §5.7). */
  readonly authenticData: boolean;
  readonly checkingDisabled: boolean;
}

export interface DnsTestServer {
  readonly host: string;
  readonly port: number;
  /** `127.0.0.1:PORT`, ready for DNS_UPSTREAM. */
  readonly address: string;
  readonly queries: LoggedQuery[];
  close(): Promise<void>;
}

type Request = InstanceType<typeof Packet>;
type Send = Parameters<dns2.DnsHandler>[1];

/**
 * An authoritative server for the test zone on 127.0.0.1, UDP and TCP on the
 * same random port, built on dns2's server. It answers like a validating
 * resolver would: AD on the signed name, SERVFAIL, REFUSED, silence, a
 * forged answer before the real one, TC over UDP for big answers.
 */
export async function startDnsTestServer(records: readonly ZoneRecord[] = zoneRecords): Promise<DnsTestServer> {
  const queries: LoggedQuery[] = [];
  const { server, port } = await listeningServer((request, send, client) => answer(request, send, client, records, queries));
  // A connection whose query was never answered (the silent name) would hold close() for dns2's idle timeout.
  const connections = new Set<Socket>();
  dns2Sockets(server).tcp.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    queries,
    close: async () => {
      for (const socket of connections) socket.destroy();
      await server.close();
    },
  };
}

/**
 * A dns2 server listening on UDP and TCP on the same random port. UDP takes a
 * free port; TCP may find it taken (an outgoing connection can hold the same
 * number), and a closed UDP socket cannot bind again: that server is dropped
 * and a new one tries. dns2 re-emits its sockets' errors on itself, so the
 * attempt listens there too, or a taken port would be an uncaught exception.
 */
async function listeningServer(handle: dns2.DnsHandler): Promise<{ server: dns2.DnsServer; port: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = dns2.createServer({ udp: true, tcp: true, handle });
    const { udp, tcp } = dns2Sockets(server);
    const taken = (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
    };
    server.on('error', taken);
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const { port } = udp.address();
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    server.off('error', taken);
    if (listening) return { server, port };
    await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
  throw new Error('no free port for UDP and TCP together');
}

function answer(request: Request, send: Send, client: unknown, records: readonly ZoneRecord[], log: LoggedQuery[]): void {
  const [question] = request.questions;
  const { header: flags, opt } = dns2Message(request);
  const transport = client instanceof Socket ? 'tcp' : 'udp';
  const name = question.name.toLowerCase();
  log.push({
    name,
    type: question.type,
    transport,
    edns: Boolean(opt),
    dnssecOk: Boolean(opt?.doFlag),
    authenticData: flags.ad === 1,
    checkingDisabled: flags.cd === 1,
  });
  if (name === SILENT_NAME) return;
  const response = Packet.createResponseFromRequest(request);
  const { header } = dns2Message(response);
  header.ra = 1;
  if (opt) response.additionals.push(Packet.Resource.EDNS([]));
  if (name === SERVFAIL_NAME || name === REFUSED_NAME) {
    header.rcode = name === SERVFAIL_NAME ? 2 : 5;
    send(response);
    return;
  }
  const rotated = name === ROTATING_NAME && question.type === 1;
  const { rcode, answers, authorities } = rotated
    ? { rcode: 0, answers: [rotatingRecord(log.filter((q) => q.name === ROTATING_NAME).length)], authorities: [] }
    : lookUp(name, question.type, records);
  header.rcode = rcode;
  header.ad = name === SIGNED_NAME && (opt?.doFlag || flags.ad) ? 1 : 0;
  response.answers.push(...answers.map(resource));
  response.authorities.push(...authorities.map(resource));
  if (name === SPOOFED_NAME && transport === 'udp') {
    const forged = Packet.createResponseFromRequest(request);
    forged.header.id = (request.header.id + 1) & 0xffff;
    forged.answers.push(resource({ ...SOA_RECORD, name, type: 1, fields: { address: '203.0.113.66' } }));
    send(forged);
  }
  send(response);
}

/** The `n`th answer for the rotating name: the pools take turns. */
function rotatingRecord(n: number): ZoneRecord {
  const address = ROTATING_ADDRESSES[n % ROTATING_ADDRESSES.length];
  return { name: ROTATING_NAME, type: 1, ttl: 1, fields: { address }, expected: address };
}

/** Follows CNAMEs inside the zone the way a resolver assembles a chain. */
function lookUp(name: string, type: number, records: readonly ZoneRecord[]) {
  const answers: ZoneRecord[] = [];
  let owner = name;
  for (let hops = 0; hops < 8; hops++) {
    const here = records.filter((r) => r.name.toLowerCase() === owner);
    const matching = here.filter((r) => r.type === type);
    if (matching.length) return { rcode: 0, answers: [...answers, ...matching], authorities: [] };
    const cname = here.find((r) => r.type === 5);
    if (!cname) {
      const exists = here.length > 0 || records.some((r) => r.name.toLowerCase().endsWith(`.${owner}`));
      return { rcode: exists || answers.length ? 0 : 3, answers, authorities: [SOA_RECORD] };
    }
    answers.push(cname);
    owner = String(cname.fields.domain).toLowerCase();
  }
  return { rcode: 2, answers: [], authorities: [] };
}

function resource(record: ZoneRecord) {
  return { name: record.name, type: record.type, class: 1, ttl: record.ttl, ...record.fields } as never;
}
