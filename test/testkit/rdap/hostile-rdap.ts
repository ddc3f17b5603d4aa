/**
 * RDAP answers written by someone who wants the bot to misbehave, for the
 * whole-path properties: objects of the right class and of the wrong one,
 * fields of the wrong types, entities nested deep, strings with mentions,
 * hashtags, links, controls and bidi characters, and every failure an RDAP
 * request can end with: the guarded fetch's, and the question's own time limit. The RDAP client is the real one; only its fetch
 * hands over the generated answer instead of a server's (the loopback server
 * serves hostile answers over HTTPS in test/rdap/).
 */
import fc from 'fast-check';
import type { Whois } from '../../../lib/engine/ask-whois.ts';
import { parseBootstrap } from '../../../lib/rdap/bootstrap.ts';
import type { BootstrapRegistries } from '../../../lib/rdap/bootstrap-store.ts';
import { RdapMalformedError, RdapNotFoundError, RdapQuestionTimeoutError, RdapRateLimitedError, RdapStatusError } from '../../../lib/rdap/errors.ts';
import { FetchRedirectError, FetchRefusedError, FetchTimeoutError, FetchTooLargeError, FetchUnreachableError } from '../../../lib/net/fetch-errors.ts';
import { checkedUrl } from '../../../lib/net/guarded-fetch.ts';
import type { JsonFetch } from '../../../lib/rdap/rdap-fetch.ts';
import { RdapClient } from '../../../lib/rdap/rdap-client.ts';
import { hashtagShaped, hostileText, mentionShaped, urlShaped } from '../fuzz/hostile-text.ts';

const SERVER = 'https://rdap.hostile.example/';

/** The questions the whois properties ask; the answers are generated. */
export const whoisQuestion = fc.constantFrom(
  'whois example.hostile',
  'whois www.example.hostile',
  'whois 193.0.6.139',
  'whois 2a00::/32',
  'whois AS3333',
  'abuse AS3333',
  'rdap 193.0.0.0/21',
);

const hostileString = fc.oneof(
  { weight: 4, arbitrary: hostileText(8) },
  mentionShaped,
  hashtagShaped,
  urlShaped,
  fc.string({ unit: 'binary', maxLength: 300 }),
);
/** A value of any type where a string, list or object is expected. */
const wrongType = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
);
const field = (right: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: right }, { weight: 1, arbitrary: wrongType });
const strings = fc.array(hostileString, { maxLength: 6 });

const vcard = fc
  .array(
    fc
      .tuple(fc.constantFrom('fn', 'kind', 'org', 'email', 'tel', 'adr', 'FN', 'x-weird'), field(hostileString))
      .map(([name, value]) => [name, {}, 'text', value]),
    { maxLength: 6 },
  )
  .map((properties) => ['vcard', [['version', {}, 'text', '4.0'], ...properties]]);

const role = fc.constantFrom('registrant', 'registrar', 'abuse', 'technical', 'administrative', 'noc', 'ABUSE');
const { entity } = fc.letrec<{ entity: Record<string, unknown> }>((tie) => ({
  entity: fc.record(
    {
      handle: field(hostileString),
      roles: field(fc.array(fc.oneof(role, hostileString), { maxLength: 3 })),
      vcardArray: field(vcard),
      publicIds: field(fc.array(fc.record({ type: fc.constantFrom('IANA Registrar ID', 'other'), identifier: field(hostileString) }), { maxLength: 2 })),
      entities: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constant([]), fc.array(tie('entity'), { maxLength: 3 })),
    },
    { requiredKeys: [] },
  ),
}));

const date = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  hostileString,
);
const common = {
  handle: field(hostileString),
  status: field(strings),
  port43: field(hostileString),
  events: field(fc.array(fc.record({ eventAction: fc.constantFrom('registration', 'expiration', 'last changed', 'x'), eventDate: date }), { maxLength: 4 })),
  entities: field(fc.array(entity, { maxLength: 4 })),
  redacted: field(fc.array(fc.record({ name: field(fc.record({ type: hostileString }, { requiredKeys: [] })) }), { maxLength: 4 })),
  name: field(hostileString),
  type: field(hostileString),
  country: field(fc.oneof(fc.constantFrom('NL', 'nl', 'ZZ'), hostileString)),
};

const domain = fc.record(
  {
    objectClassName: fc.oneof({ weight: 6, arbitrary: fc.constant('domain') }, hostileString),
    ldhName: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('example.hostile', 'EXAMPLE.HOSTILE.') }, hostileString),
    nameservers: field(fc.array(fc.record({ ldhName: field(fc.oneof(fc.stringMatching(/^[a-z0-9]{1,10}\.example$/), hostileString)) }), { maxLength: 8 })),
    secureDNS: field(fc.record({ delegationSigned: field(fc.boolean()), dsData: field(fc.array(fc.object(), { maxLength: 3 })) }, { requiredKeys: [] })),
    links: field(
      fc.array(
        fc.record({
          rel: fc.constantFrom('related', 'self'),
          href: fc.oneof(urlShaped, fc.constant(`${SERVER}registrar/x`)),
          type: fc.constant('application/rdap+json'),
        }),
        { maxLength: 2 },
      ),
    ),
    ...common,
  },
  { requiredKeys: ['objectClassName'] },
);
const network = fc.record(
  {
    objectClassName: fc.oneof({ weight: 6, arbitrary: fc.constant('ip network') }, hostileString),
    startAddress: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('193.0.0.0', '2a00::') }, hostileString),
    endAddress: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('193.0.7.255', '2a00:ffff::', '255.255.255.255') }, hostileString),
    cidr0_cidrs: field(
      fc.array(fc.record({ v4prefix: field(hostileString), v6prefix: field(hostileString), length: field(fc.integer({ min: -5, max: 200 })) }), {
        maxLength: 3,
      }),
    ),
    parentHandle: field(hostileString),
    arin_originas0_originautnums: field(fc.array(fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), hostileString), { maxLength: 3 })),
    ...common,
  },
  { requiredKeys: ['objectClassName'] },
);
const autnum = fc.record(
  {
    objectClassName: fc.oneof({ weight: 6, arbitrary: fc.constant('autnum') }, hostileString),
    startAutnum: fc.oneof({ weight: 6, arbitrary: fc.constant(3333) }, wrongType, fc.double()),
    endAutnum: field(fc.oneof(fc.constant(3333), fc.integer({ min: 0, max: 2 ** 32 + 5 }))),
    ...common,
  },
  { requiredKeys: ['objectClassName'] },
);

/**
 * What an asker can be rejected with instead of an answer: the guarded fetch's
 * failures, and the reason the question's signal aborts with when its time is
 * over (given here by the fetch, which stands for the whole request).
 */
const failure: fc.Arbitrary<Error> = fc.oneof(
  fc.constant(new RdapNotFoundError('rdap.hostile.example')),
  fc.nat(100_000).map((seconds) => new RdapRateLimitedError('rdap.hostile.example', seconds)),
  fc.integer({ min: 300, max: 599 }).map((status) => new RdapStatusError('rdap.hostile.example', status)),
  hostileString.map((reason) => new FetchUnreachableError('rdap.hostile.example', reason)),
  fc.constant(new FetchTimeoutError('rdap.hostile.example', 5000)),
  fc.constant(new RdapQuestionTimeoutError(12_000)),
  fc.constant(new FetchTooLargeError('rdap.hostile.example', 1 << 20)),
  hostileString.map((reason) => new FetchRedirectError('rdap.hostile.example', reason)),
  hostileString.map((reason) => new FetchRefusedError(SERVER, reason)),
  fc.constant(new RdapMalformedError('rdap.hostile.example', 'not JSON')),
);

/** One generated answer per request (the registry's, then the registrar's), or a failure. */
export const hostileRdapAnswers = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.oneof(domain, network, autnum) },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: failure.map((error) => ({ failure: error })) },
  ),
  { minLength: 2, maxLength: 2 },
);

/** The engine's RDAP side, its fetch handing over the generated answers in turn. */
export function hostileWhois(answers: readonly unknown[]): Whois {
  let next = 0;
  const fetch: JsonFetch = async (url) => {
    // The guard's own check: a link it refuses (a hostile registry's `related` href that is no URL) is never asked.
    checkedUrl(url, () => undefined);
    const answer = answers[Math.min(next++, answers.length - 1)];
    if (typeof answer === 'object' && answer !== null && 'failure' in answer) throw (answer as { failure: Error }).failure;
    return { url, json: answer };
  };
  const everything = [[['hostile'], [SERVER]]];
  const bootstrap = parseBootstrap({
    dns: { services: everything },
    ipv4: { services: [[['0.0.0.0/0'], [SERVER]]] },
    ipv6: { services: [[['::/0'], [SERVER]]] },
    asn: { services: [[['0-4294967295'], [SERVER]]] },
  });
  // Fixed registries, as an operator's folder that never changes.
  const registries: BootstrapRegistries = { info: () => ({ origin: 'operator' }), reload: async () => false, close: () => {} };
  return { bootstrap: registries, client: new RdapClient({ bootstrap: () => bootstrap, fetch, cacheSize: 0 }) };
}
