import dns2 from 'dns2';
import type { DnsQuestion, DnsRecord } from '../resolver.ts';
import { decodeRdata, presentName } from './rdata-presentation.ts';
import { MalformedMessageError, WireReader } from './reader.ts';

const { Packet } = dns2;

const CLASS_IN = 1;
const TYPE_OPT = 41;
/** RFC 9715 / DNS Flag Day 2020: a UDP payload size that avoids IP fragmentation. */
export const EDNS_UDP_PAYLOAD_SIZE = 1232;

export interface QueryOptions {
  readonly id: number;
  /** false only for servers that answer FORMERR to EDNS (RFC 6891 §7). */
  readonly edns: boolean;
}

/** A recursive query with EDNS0 and the DO bit, so that the resolver reports DNSSEC validation (AD). */
export function encodeQuery(question: DnsQuestion, options: QueryOptions): Buffer {
  const packet = new Packet();
  // AD in a query asks for the AD bit in the answer (RFC 6840 §5.7); dns2's typings lack the flag.
  Object.assign(packet.header, { id: options.id, rd: 1, ad: 1 });
  packet.questions.push({ name: question.name, type: question.type, class: CLASS_IN } as never);
  if (options.edns) {
    const makeOpt = Packet.Resource.EDNS as unknown as (rdata: object[], opts: object) => never;
    packet.additionals.push(makeOpt([], { doFlag: true, udpPayloadSize: EDNS_UDP_PAYLOAD_SIZE }));
  }
  return packet.toBuffer();
}

export interface DecodedResponse {
  readonly id: number;
  readonly isResponse: boolean;
  readonly truncated: boolean;
  readonly authenticated: boolean;
  readonly rcode: number;
  readonly questions: readonly { name: string; type: number; class: number }[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly hasOpt: boolean;
}

export function decodeResponse(message: Buffer): DecodedResponse {
  if (message.length < 12) throw new MalformedMessageError('message shorter than a DNS header');
  const header = Packet.Header.parse(message.subarray(0, 12)) as typeof Packet.prototype.header & { ad: number };
  const reader = new WireReader(message, 12);
  const questions = Array.from({ length: header.qdcount }, () => {
    const name = presentName(reader.name());
    return { name, type: reader.u16(), class: reader.u16() };
  });
  const answers = readRecords(reader, header.ancount);
  const authorities = readRecords(reader, header.nscount);
  let extendedRcode = 0;
  let hasOpt = false;
  for (let i = 0; i < header.arcount && reader.remaining > 0; i++) {
    reader.name();
    const type = reader.u16();
    reader.u16();
    const ttl = reader.u32();
    reader.bytes(reader.u16());
    if (type === TYPE_OPT) {
      hasOpt = true;
      extendedRcode = ttl >>> 24;
    }
  }
  return {
    id: header.id,
    isResponse: header.qr === 1,
    truncated: header.tc === 1,
    authenticated: header.ad === 1,
    rcode: (extendedRcode << 4) | header.rcode,
    questions,
    answers,
    authorities,
    hasOpt,
  };
}

function readRecords(reader: WireReader, count: number): DnsRecord[] {
  const records: DnsRecord[] = [];
  for (let i = 0; i < count; i++) {
    const owner = presentName(reader.name());
    const type = reader.u16();
    const rrClass = reader.u16();
    const ttl = reader.u32();
    const rdata = reader.window(reader.u16());
    if (rrClass !== CLASS_IN) continue;
    records.push({ name: owner.replace(/\.$/, '') || '.', type, ttl, rdata: decodeRdata(type, rdata) });
  }
  return records;
}

/** Does this response answer this question? (RFC 5452 §9.1: check id and question, not only the id.) */
export function answersQuestion(response: DecodedResponse, id: number, question: DnsQuestion): boolean {
  if (!response.isResponse || response.id !== id) return false;
  // A FORMERR may come without the question section (RFC 6891 §7).
  if (response.questions.length === 0) return response.rcode !== 0;
  const [asked] = response.questions;
  return response.questions.length === 1 && asked.type === question.type && asked.class === CLASS_IN && sameName(asked.name, question.name);
}

function sameName(presented: string, ascii: string): boolean {
  return presented.replace(/\.$/, '').toLowerCase() === ascii.replace(/\.$/, '').toLowerCase();
}
