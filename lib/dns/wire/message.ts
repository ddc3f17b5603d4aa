import dns2 from 'dns2';
import type { DnsQuestion, DnsRecord, ExtendedDnsError } from '../resolver.ts';
import { decodeRdata, presentName } from './rdata-presentation.ts';
import { MalformedMessageError, WireReader } from './reader.ts';

const { Packet } = dns2;

const CLASS_IN = 1;
const TYPE_OPT = 41;
const OPTION_NSID = 3;
const OPTION_EDE = 15;
const DO_FLAG = 0x8000;
/** RFC 9715 / DNS Flag Day 2020: a UDP payload size that avoids IP fragmentation. */
export const EDNS_UDP_PAYLOAD_SIZE = 1232;

export interface EncodingOptions {
  readonly id: number;
  /** false only for servers that answer FORMERR to EDNS (RFC 6891 §7). */
  readonly edns: boolean;
}

/**
 * A recursive query (unless the options ask for a non-recursive one) with the AD bit, which asks a validating resolver to say
 * whether it validated the answer without sending the DNSSEC records
 * (RFC 6840 §5.7); DO, CD and NSID only when the question's options ask for
 * them. EDNS itself is what lets a resolver attach Extended DNS Errors
 * (RFC 8914), which need no option of their own in the query.
 */
export function encodeQuery(question: DnsQuestion, options: EncodingOptions): Buffer {
  const asked = question.options ?? {};
  const packet = new Packet();
  // dns2's typings lack the AD and CD bits, which its header writes.
  Object.assign(packet.header, { id: options.id, rd: asked.nonRecursive ? 0 : 1, ad: 1, cd: asked.checkingDisabled ? 1 : 0 });
  packet.questions.push({ name: question.name, type: question.type, class: CLASS_IN } as never);
  const message = packet.toBuffer();
  if (!options.edns) return message;
  // Written here because dns2 encodes only the client-subnet option.
  const optionData = asked.nsid ? optionBytes(OPTION_NSID, Buffer.alloc(0)) : Buffer.alloc(0);
  const opt = Buffer.alloc(11);
  opt.writeUInt16BE(TYPE_OPT, 1);
  opt.writeUInt16BE(EDNS_UDP_PAYLOAD_SIZE, 3);
  opt.writeUInt32BE(asked.dnssecRecords ? DO_FLAG : 0, 5);
  opt.writeUInt16BE(optionData.length, 9);
  message.writeUInt16BE(1, 10); // ARCOUNT: the OPT record
  return Buffer.concat([message, opt, optionData]);
}

function optionBytes(code: number, data: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(code, 0);
  header.writeUInt16BE(data.length, 2);
  return Buffer.concat([header, data]);
}

export interface DecodedResponse {
  readonly id: number;
  readonly isResponse: boolean;
  readonly truncated: boolean;
  readonly authenticated: boolean;
  readonly authoritative: boolean;
  readonly rcode: number;
  readonly questions: readonly { name: string; type: number; class: number }[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  /** Without the OPT record, which is read into the fields below. */
  readonly additionals: readonly DnsRecord[];
  readonly hasOpt: boolean;
  readonly extendedErrors: readonly ExtendedDnsError[];
  readonly nsid?: Uint8Array;
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
  const extendedErrors: ExtendedDnsError[] = [];
  let nsid: Uint8Array | undefined;
  // A server may leave out additional records that do not fit without setting TC (RFC 2181 §9): a short section is no error.
  // Glue and OPT only: a malformed additional section must not lose the answer read before it.
  let additionals: DnsRecord[] = [];
  try {
    additionals = readRecords(
      reader,
      header.arcount,
      (type, ttl, rdata) => {
        if (type !== TYPE_OPT) return false;
        hasOpt = true;
        extendedRcode = ttl >>> 24;
        while (rdata.remaining >= 4) {
          const code = rdata.u16();
          const length = rdata.u16();
          // An option longer than what is left is the server's mistake: the answer itself still stands.
          if (length > rdata.remaining) break;
          const option = rdata.window(length);
          if (code === OPTION_NSID) nsid = option.rest();
          else if (code === OPTION_EDE && option.remaining >= 2)
            extendedErrors.push({ code: option.u16(), text: option.rest().toString('utf8').replace(/\0+$/, '') });
        }
        return true;
      },
      MAY_END_EARLY,
    );
  } catch (error) {
    if (!(error instanceof MalformedMessageError)) throw error;
  }
  return {
    id: header.id,
    isResponse: header.qr === 1,
    truncated: header.tc === 1,
    authenticated: header.ad === 1,
    authoritative: header.aa === 1,
    rcode: (extendedRcode << 4) | header.rcode,
    questions,
    answers,
    authorities,
    additionals,
    hasOpt,
    extendedErrors,
    nsid,
  };
}

/** A pseudo-record's reader (OPT's): true when it took the record, which then is no DnsRecord. */
type PseudoRecord = (type: number, ttl: number, rdata: WireReader) => boolean;

// A server may leave out additional records that do not fit without setting TC (RFC 2181 §9): a short section is no error.
const MAY_END_EARLY = true;

function readRecords(reader: WireReader, count: number, pseudo?: PseudoRecord, mayEndEarly = false): DnsRecord[] {
  const records: DnsRecord[] = [];
  for (let i = 0; i < count && !(mayEndEarly && reader.remaining === 0); i++) {
    const owner = presentName(reader.name());
    const type = reader.u16();
    const rrClass = reader.u16();
    const ttl = reader.u32();
    const rdata = reader.window(reader.u16());
    if (pseudo?.(type, ttl, rdata) || rrClass !== CLASS_IN) continue;
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
