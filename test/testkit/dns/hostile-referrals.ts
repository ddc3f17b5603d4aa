/**
 * Authoritative servers that answer a trace with generated, hostile data, for
 * fuzzing +trace from the mention to the posted reply: referrals whose NS
 * names carry @, # and control characters, up to 500 NS records, glue that
 * points into loopback, private, link-local, ULA and documentation ranges,
 * referrals sideways and back to the same zone, lame and silent servers, and
 * authoritative answers full of hostile records and CNAMEs. The fake never
 * sends anything: it records every server a query was meant for, so that the
 * property can check none was an address the bot must never send to.
 */
import fc from 'fast-check';
import { DnsNetworkError, DnsTimeoutError } from '../../../lib/dns/errors.ts';
import { RecordType } from '../../../lib/dns/record-types.ts';
import type { DnsQuestion, DnsRecord, DnsResponse } from '../../../lib/dns/resolver.ts';
import type { NameServer, ServerQuery } from '../../../lib/dns/trace/name-server.ts';
import { addressRecord, authoritativeAnswer, serverResponse } from './fake-name-servers.ts';
import { hostileDnsRecord, hostileName, hostileRecord, txtString, type HostileRecord } from './hostile-resolver.ts';

export type HostileServerAnswer =
  | {
      readonly kind: 'referral';
      /** How many labels of the asked name the referred zone keeps (0: the root again); undefined: a zone beside the name. */
      readonly keep?: number;
      readonly sideZone: string;
      readonly nameservers: readonly string[];
      /** Addresses given as glue, to the name servers in turn. */
      readonly glue: readonly string[];
      readonly signed: boolean;
    }
  | { readonly kind: 'answer'; readonly rcode: number; readonly records: readonly HostileRecord[] }
  | { readonly kind: 'lame'; readonly rcode: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly reason: string };

/** Addresses a trace must never send to unless allowed, and a few it may. */
export const forbiddenAddresses = [
  '127.0.0.1',
  '10.1.2.3',
  '192.168.1.1',
  '172.16.0.53',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '192.0.2.53',
  '224.0.0.251',
];
const forbiddenV6 = ['::1', 'fe80::1', 'fd00::53', 'fc00::1', '2001:db8::53', '::ffff:10.0.0.1', 'ff02::fb', '::'];
const publicAddresses = ['193.0.14.129', '2001:7fd::1', '8.8.4.4', '2620:fe::9', '1.0.0.1'];

const address = fc.constantFrom(...forbiddenAddresses, ...forbiddenV6, ...publicAddresses);

const nameservers = fc.oneof(
  { weight: 5, arbitrary: fc.array(hostileName, { minLength: 1, maxLength: 4 }) },
  // A huge NS set: the line says how many, the servers are tried until a limit.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 100, max: 500 }), hostileName).map(([n, name]) => Array.from({ length: n }, (_, i) => `ns${i}.${name}`)) },
);

export const hostileServerAnswer: fc.Arbitrary<HostileServerAnswer> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('referral' as const),
      keep: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 5 }),
      sideZone: hostileName,
      nameservers,
      glue: fc.array(address, { maxLength: 6 }),
      signed: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      rcode: fc.constantFrom(0, 0, 0, 3),
      records: fc.array(hostileRecord, { maxLength: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lame' as const), rcode: fc.constantFrom(0, 2, 5, 9) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'timeout' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('network' as const), reason: txtString }) },
);

export const hostileReferrals = fc.array(hostileServerAnswer, { minLength: 1, maxLength: 8 });

/** Name servers that answer with `answers` in turn, whatever they are asked; `asked` is every server a query was meant for. */
export class HostileNameServers {
  readonly asked: NameServer[] = [];
  private count = 0;

  constructor(private readonly answers: readonly HostileServerAnswer[]) {}

  readonly query: ServerQuery = async (server, question) => {
    this.asked.push(server);
    const answer = this.answers[this.count++ % this.answers.length];
    switch (answer.kind) {
      case 'timeout':
        throw new DnsTimeoutError(server.address, 3000);
      case 'network':
        throw new DnsNetworkError(server.address, answer.reason);
      case 'lame':
        return serverResponse(question, { rcode: answer.rcode });
      case 'answer':
        return authoritativeAnswer(
          question,
          answer.records.map((r) => hostileDnsRecord(question, r)),
          answer.rcode,
        );
      case 'referral':
        return referralResponse(question, answer);
    }
  };
}

function referralResponse(question: DnsQuestion, answer: Extract<HostileServerAnswer, { kind: 'referral' }>): DnsResponse {
  const labels = question.name.split('.');
  const zone = answer.keep === undefined ? answer.sideZone : labels.slice(labels.length - Math.min(answer.keep, labels.length)).join('.') || '.';
  const ns = (target: string): DnsRecord => ({ name: zone, type: RecordType.NS, ttl: 172800, rdata: { kind: 'name', target: `${target}.` } });
  const ds: DnsRecord = {
    name: zone,
    type: RecordType.DS,
    ttl: 86400,
    rdata: { kind: 'presented', text: '2371 13 2 C988EC423E3880EB8DD8A46FE06CA230EE23F35B578D4F71E5DA1B9B6C0F1E0B' },
  };
  return serverResponse(question, {
    authorities: [...answer.nameservers.map(ns), ...(answer.signed ? [ds] : [])],
    additionals: answer.glue.map((glue, i) => addressRecord(answer.nameservers[i % answer.nameservers.length], glue)),
  });
}
