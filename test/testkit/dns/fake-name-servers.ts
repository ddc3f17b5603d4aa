/**
 * Answers of authoritative servers as the iterative resolver reads them
 * (DnsResponse with AA, authority and additional sections), for tests that
 * put a fake ServerQuery in place of the network.
 */
import { parseIpAddress } from '../../../lib/net/ip-address.ts';
import { RecordType } from '../../../lib/dns/record-types.ts';
import type { DnsQuestion, DnsRecord, DnsResponse } from '../../../lib/dns/resolver.ts';

/** A DnsResponse to `question`: NOERROR, nothing in it, unless `fields` say otherwise. Every test that needs a response builds it here. */
export function serverResponse(question: DnsQuestion, fields: Partial<DnsResponse>): DnsResponse {
  return {
    question,
    rcode: 0,
    authenticated: false,
    authoritative: false,
    answers: [],
    authorities: [],
    additionals: [],
    extendedErrors: [],
    upstream: 'fake',
    transport: 'udp',
    elapsedMs: 1,
    ...fields,
  };
}

/** A referral to `zone`: NS records for the names given, glue for those with addresses. */
export function referral(question: DnsQuestion, zone: string, servers: readonly { name: string; addresses?: readonly string[] }[]): DnsResponse {
  return serverResponse(question, {
    authorities: servers.map((s) => ({ name: zone, type: RecordType.NS, ttl: 3600, rdata: { kind: 'name', target: `${s.name}.` } })),
    additionals: servers.flatMap((s) => (s.addresses ?? []).map((address) => addressRecord(s.name, address))),
  });
}

/** An authoritative answer with these records (NXDOMAIN when there are none and `rcode` says so). */
export function authoritativeAnswer(question: DnsQuestion, answers: readonly DnsRecord[], rcode = 0): DnsResponse {
  return serverResponse(question, { authoritative: true, answers, rcode });
}

export function addressRecord(name: string, address: string, ttl = 300): DnsRecord {
  const parsed = parseIpAddress(address);
  if (!parsed) throw new Error(`${address} is not an address`);
  return { name, type: parsed.version === 4 ? RecordType.A : RecordType.AAAA, ttl, rdata: { kind: 'address', address: parsed } };
}
