/**
 * Registry-shaped RDAP answers for the loopback server, laid out by path:
 * a thin domain registry (`.test`, like .com: little data, a `related` link
 * to the registrar's server) and a thick one (`.example`), the five RIRs'
 * shapes of IP networks and autnums (ARIN nests the abuse POC in the
 * registrant org; RIPE and APNIC put abuse roles at the top; LACNIC gives no
 * cidr0 and an abuse contact that is a person; AFRINIC nests its abuse role
 * in the org), redactions (RFC 9537), errors, redirects and hostile answers.
 * People's names, phones and addresses are in them on purpose: no reply may
 * show them (PRIVATE_DATA).
 */
import type { BootstrapServices, RdapTestServer } from './rdap-server.ts';

/** What the fixtures hold of private persons; no reply may contain any of it. */
export const PRIVATE_DATA = ['Jane Person', 'Jan de Person', 'Maria Pessoa', '+1-555-0100', '+31 20 555 0101', '1 Main Street', 'Keizersgracht 1'];

type Property = [string, Record<string, unknown>, string, unknown];
const vcard = (...properties: Property[]) => ['vcard', [['version', {}, 'text', '4.0'], ...properties]];
const fn = (name: string): Property => ['fn', {}, 'text', name];
const kind = (value: string): Property => ['kind', {}, 'text', value];
const email = (value: string): Property => ['email', {}, 'text', value];
const tel = (value: string): Property => ['tel', { type: ['work', 'voice'] }, 'text', value];
const adr = (label: string): Property => ['adr', { label }, 'text', ['', '', '', '', '', '', '']];
const person = (handle: string, roles: string[], name: string, phone: string, street: string) => ({
  objectClassName: 'entity',
  handle,
  roles,
  vcardArray: vcard(fn(name), kind('individual'), tel(phone), adr(street), email(`${handle.toLowerCase()}@people.example`)),
});
const events = (registered: string, changed: string, expires?: string) => [
  { eventAction: 'registration', eventDate: registered },
  { eventAction: 'last changed', eventDate: changed },
  ...(expires ? [{ eventAction: 'expiration', eventDate: expires }] : []),
  { eventAction: 'last update of RDAP database', eventDate: '2026-12-05T00:00:00Z' },
];

/** Installs every answer on the server and returns the bootstrap services that point at it. */
export function serveRegistries(server: RdapTestServer): BootstrapServices {
  const base = server.url;
  const at = (path: string, json: unknown) => server.answer(path, { json });
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

  // A thin registry, like .com: registrar, status, dates, name servers, DNSSEC, and a link to the registrar's server.
  const thinDomain = (name: string, registrarPath: string | undefined, extra: Record<string, unknown> = {}) => ({
    objectClassName: 'domain',
    handle: `${name.toUpperCase()}-TEST`,
    ldhName: name.toUpperCase(),
    links: [
      { value: `${base}thin/domain/${name}`, rel: 'self', href: `${base}thin/domain/${name}`, type: 'application/rdap+json' },
      ...(registrarPath ? [{ value: `${base}${registrarPath}`, rel: 'related', href: `${base}${registrarPath}`, type: 'application/rdap+json' }] : []),
    ],
    status: ['client delete prohibited', 'client transfer prohibited', 'server update prohibited'],
    entities: [
      {
        objectClassName: 'entity',
        handle: '9999',
        roles: ['registrar'],
        publicIds: [{ type: 'IANA Registrar ID', identifier: '9999' }],
        vcardArray: vcard(fn('Loopback Registrar, Inc.')),
        entities: [{ objectClassName: 'entity', roles: ['abuse'], vcardArray: vcard(fn(''), tel('+1.5555550199'), email('abuse@registrar.test')) }],
      },
    ],
    events: events('1995-08-14T04:00:00Z', '2024-08-14T07:01:34Z', '2027-08-13T04:00:00Z'),
    secureDNS: { delegationSigned: true, dsData: [{ keyTag: 60485, algorithm: 8, digestType: 2, digest: 'D4B7D520' }] },
    nameservers: [{ objectClassName: 'nameserver', ldhName: 'NS1.EXAMPLE.TEST' }],
    port43: 'whois.registry.test',
    ...extra,
  });
  at('/thin/domain/example.test', thinDomain('example.test', 'registrar/domain/example.test'));
  // The registrar's server: the thick data, with the registrant's personal fields redacted.
  at('/registrar/domain/example.test', {
    objectClassName: 'domain',
    ldhName: 'example.test',
    entities: [
      {
        objectClassName: 'entity',
        roles: ['registrar'],
        handle: '9999',
        publicIds: [{ type: 'IANA Registrar ID', identifier: '9999' }],
        vcardArray: vcard(fn('Loopback Registrar, Inc.')),
        entities: [
          {
            objectClassName: 'entity',
            roles: ['abuse'],
            vcardArray: vcard(fn('Abuse desk'), kind('group'), email('abuse@registrar.test'), tel('+1-555-0100')),
          },
        ],
      },
      person('REG-1', ['registrant'], 'Jane Person', '+1-555-0100', '1 Main Street'),
    ],
    redacted: [
      { name: { type: 'Registrant Name' }, method: 'removal' },
      { name: { type: 'Registrant Phone' }, method: 'removal' },
      { name: { description: 'Registrant Street' }, method: 'emptyValue' },
    ],
  });
  // Expires soon, and the registrar's server is down.
  at(
    '/thin/domain/soon.test',
    thinDomain('soon.test', 'registrar-down/domain/soon.test', { events: events('2020-01-01T00:00:00Z', '2025-01-01T00:00:00Z', inDays(10.5)) }),
  );
  server.answer('/registrar-down/domain/soon.test', { status: 503, body: 'down' });
  // Says unsigned while the parent (the test DNS zone) has a DS, and lists another name server.
  at(
    '/thin/domain/mismatch.test',
    thinDomain('mismatch.test', undefined, {
      secureDNS: { delegationSigned: false },
      nameservers: [{ ldhName: 'ns1.example.test' }, { ldhName: 'ns9.elsewhere.test' }],
    }),
  );

  // A thick registry: the holder (an organisation) is in the registry's own answer.
  at('/thick/domain/thick.example', {
    objectClassName: 'domain',
    ldhName: 'thick.example',
    unicodeName: 'thick.example',
    status: ['active'],
    events: events('2001-02-03T00:00:00Z', '2025-02-03T00:00:00Z', '2028-02-03T00:00:00Z'),
    nameservers: [{ ldhName: 'a.ns.thick.example' }, { ldhName: 'b.ns.thick.example' }],
    secureDNS: { delegationSigned: false },
    entities: [
      {
        roles: ['registrar'],
        handle: 'REG-THICK',
        vcardArray: vcard(fn('Thick Registrar SE'), kind('org')),
        publicIds: [{ type: 'IANA Registrar ID', identifier: '1234' }],
      },
      { roles: ['registrant'], handle: 'ORG-THICK', vcardArray: vcard(fn('Thick Example Holdings B.V.'), kind('org'), adr('Keizersgracht 1')) },
      person('TECH-1', ['technical'], 'Jan de Person', '+31 20 555 0101', 'Keizersgracht 1'),
    ],
  });
  // A redirect to the thick registry, and a redirect loop.
  server.answer('/thin/domain/moved.test', { status: 301, headers: { location: `${base}thick/domain/moved.test` } });
  at('/thick/domain/moved.test', { objectClassName: 'domain', ldhName: 'moved.test', status: ['active'], nameservers: [{ ldhName: 'ns1.example.test' }] });
  // The thin registry answers about another name than the one asked.
  at('/thin/domain/other.test', thinDomain('example.test', undefined));
  server.answer('/thin/domain/loop.test', { status: 302, headers: { location: `${base}thin/domain/loop.test` } });
  server.answer('/thin/domain/busy.test', { status: 429, headers: { 'retry-after': '30' }, json: { errorCode: 429 } });
  server.answer('/thin/domain/broken.test', { status: 500, body: 'Internal Server Error' });
  server.answer('/thin/domain/slow.test', { delayMs: 3000, json: thinDomain('slow.test', undefined) });
  // The registry answers in 1.5 s; its registrar only after the question's time is over. The
  // registrar's request, started 1.5 s into the question, would reach its own time limit (when the
  // two limits are equal) 1.5 s after the question's: long enough to tell the two apart.
  server.answer('/thin/domain/late.test', { delayMs: 1500, json: thinDomain('late.test', 'registrar/domain/late.test') });
  server.answer('/registrar/domain/late.test', { delayMs: 8000, json: { objectClassName: 'domain', ldhName: 'late.test' } });

  // ARIN: the abuse POC nested in the registrant org; cidr0 and originas0.
  const arinOrg = {
    handle: 'LOOP-ARIN',
    roles: ['registrant'],
    vcardArray: vcard(fn('Loopback Networks LLC'), kind('org'), adr('1 Main Street')),
    entities: [
      { handle: 'ABUSE1-ARIN', roles: ['abuse'], vcardArray: vcard(fn('Abuse'), kind('group'), email('network-abuse@loopback.example'), tel('+1-555-0100')) },
      person('JP1-ARIN', ['technical'], 'Jane Person', '+1-555-0100', '1 Main Street'),
    ],
  };
  at('/arin/ip/8.8.8.8', {
    objectClassName: 'ip network',
    rdapConformance: ['nro_rdap_profile_0', 'rdap_level_0', 'cidr0', 'arin_originas0'],
    handle: 'NET-8-8-8-0-2',
    startAddress: '8.8.8.0',
    endAddress: '8.8.8.255',
    ipVersion: 'v4',
    name: 'LOOP-NET',
    type: 'DIRECT ALLOCATION',
    parentHandle: 'NET-8-0-0-0-0',
    cidr0_cidrs: [{ v4prefix: '8.8.8.0', length: 24 }],
    arin_originas0_originautnums: [64500],
    port43: 'whois.arin.net',
    events: events('2014-03-14T16:52:05-04:00', '2023-12-28T17:24:56-05:00'),
    entities: [arinOrg],
  });
  at('/arin/autnum/15169', {
    objectClassName: 'autnum',
    handle: 'AS15169',
    startAutnum: 15169,
    endAutnum: 15169,
    name: 'LOOP-AS',
    type: 'DIRECT ALLOCATION',
    port43: 'whois.arin.net',
    events: events('2000-03-30T00:00:00-05:00', '2012-02-24T09:44:34-05:00'),
    entities: [arinOrg],
  });

  // RIPE: registrant org and abuse role at the top; a person beside them.
  const ripeEntities = [
    { handle: 'ORG-RIEN1-RIPE', roles: ['registrant'], vcardArray: vcard(fn('Reseaux IP Europeens Network Coordination Centre (RIPE NCC)'), kind('org')) },
    { handle: 'OPS4-RIPE', roles: ['abuse'], vcardArray: vcard(fn('RIPE NCC Operations'), kind('group'), email('abuse@ripe.example')) },
    person('JDP1-RIPE', ['technical', 'administrative'], 'Jan de Person', '+31 20 555 0101', 'Keizersgracht 1'),
  ];
  const ripeNetwork = {
    objectClassName: 'ip network',
    handle: '193.0.0.0 - 193.0.7.255',
    startAddress: '193.0.0.0',
    endAddress: '193.0.7.255',
    ipVersion: 'v4',
    name: 'RIPE-NCC',
    type: 'ASSIGNED PA',
    country: 'NL',
    parentHandle: '193.0.0.0 - 193.0.23.255',
    cidr0_cidrs: [{ v4prefix: '193.0.0.0', length: 21 }],
    port43: 'whois.ripe.net',
    events: [{ eventAction: 'last changed', eventDate: '2024-01-15T10:00:00Z' }],
    entities: ripeEntities,
  };
  at('/ripe/ip/193.0.6.139', ripeNetwork);
  at('/ripe/ip/193.0.0.0/21', ripeNetwork);
  at('/ripe/autnum/3333', {
    objectClassName: 'autnum',
    handle: 'AS3333',
    startAutnum: 3333,
    endAutnum: 3333,
    name: 'RIPE-NCC-AS',
    country: 'NL',
    port43: 'whois.ripe.net',
    entities: ripeEntities,
  });

  // APNIC: an IRT for abuse at the top, the org as registrant; IPv6 too.
  const apnicEntities = [
    { handle: 'ORG-ARAD1-AP', roles: ['registrant'], vcardArray: vcard(fn('APNIC Research and Development'), kind('org')) },
    { handle: 'IRT-APNICRANDNET-AU', roles: ['abuse'], vcardArray: vcard(fn('IRT-APNICRANDNET-AU'), kind('group'), email('helpdesk@apnic.example')) },
  ];
  at('/apnic/ip/1.1.1.1', {
    objectClassName: 'ip network',
    handle: '1.1.1.0 - 1.1.1.255',
    startAddress: '1.1.1.0',
    endAddress: '1.1.1.255',
    name: 'APNIC-LABS',
    type: 'ASSIGNED PORTABLE',
    country: 'AU',
    cidr0_cidrs: [{ v4prefix: '1.1.1.0', length: 24 }],
    port43: 'whois.apnic.net',
    entities: apnicEntities,
  });
  at('/apnic/ip/2400:cb00::1', {
    objectClassName: 'ip network',
    handle: '2400:cb00::/32',
    startAddress: '2400:cb00::',
    endAddress: '2400:cb00:ffff:ffff:ffff:ffff:ffff:ffff',
    name: 'LOOP-V6',
    type: 'ALLOCATED PORTABLE',
    country: 'AU',
    cidr0_cidrs: [{ v6prefix: '2400:cb00::', length: 32 }],
    port43: 'whois.apnic.net',
    entities: apnicEntities,
  });
  at('/apnic/autnum/4608', {
    objectClassName: 'autnum',
    handle: 'AS4608',
    startAutnum: 4608,
    name: 'APNIC-SERVICES',
    country: 'AU',
    port43: 'whois.apnic.net',
    entities: apnicEntities,
  });

  // LACNIC: no cidr0 (the range is two CIDRs), the registrant without a vCard kind, an abuse contact that is a person.
  at('/lacnic/ip/200.160.2.3', {
    objectClassName: 'ip network',
    handle: '200.160.0.0/20',
    startAddress: '200.160.0.0',
    endAddress: '200.160.23.255',
    country: 'BR',
    type: 'ALLOCATED PORTABLE',
    port43: 'whois.lacnic.net',
    entities: [
      {
        handle: 'BR-NICB-LACNIC',
        roles: ['registrant'],
        vcardArray: vcard(fn('Maria Pessoa'), ['org', {}, 'text', 'Núcleo de Informação e Coordenação do Ponto BR']),
        entities: [
          {
            ...person('MAP3-LACNIC', ['abuse'], 'Maria Pessoa', '+1-555-0100', '1 Main Street'),
            vcardArray: vcard(fn('Maria Pessoa'), kind('individual'), email('abuse@nic.example'), tel('+1-555-0100')),
          },
        ],
      },
    ],
  });
  at('/lacnic/autnum/28000', {
    objectClassName: 'autnum',
    handle: '28000',
    startAutnum: 28000,
    endAutnum: 28000,
    country: 'UY',
    port43: 'whois.lacnic.net',
    entities: [],
  });

  // AFRINIC: the abuse role nested in the org, and RFC 9537 redactions.
  at('/afrinic/ip/41.0.0.1', {
    objectClassName: 'ip network',
    handle: '41.0.0.0 - 41.0.255.255',
    startAddress: '41.0.0.0',
    endAddress: '41.0.255.255',
    name: 'LOOP-AFRICA',
    type: 'ALLOCATED PA',
    country: 'ZA',
    port43: 'whois.afrinic.net',
    entities: [
      {
        handle: 'ORG-LA1-AFRINIC',
        roles: ['registrant'],
        vcardArray: vcard(fn('Loopback Africa Ltd'), kind('org')),
        entities: [{ handle: 'GENERIC-ABUSE-AFRINIC', roles: ['abuse'], vcardArray: vcard(fn('Abuse'), kind('group'), email('abuse@africa.example')) }],
      },
    ],
    redacted: [{ name: { type: 'Tech Phone' }, method: 'removal' }],
  });
  at('/afrinic/autnum/37000', {
    objectClassName: 'autnum',
    handle: 'AS37000',
    startAutnum: 37000,
    endAutnum: 37000,
    name: 'LOOP-AFRICA-AS',
    country: 'ZA',
    port43: 'whois.afrinic.net',
  });

  hostileAnswers(server);
  const service = (path: string) => [`${base}${path}/`];
  return {
    dns: [
      [['test'], service('thin')],
      [['example'], service('thick')],
      [['hostile'], service('hostile')],
      [['gone'], ['https://127.0.0.1:1/']],
      [['plain'], ['http://127.0.0.1:1/']],
    ],
    ipv4: [
      [['8.0.0.0/8'], service('arin')],
      [['193.0.0.0/8'], service('ripe')],
      [['1.0.0.0/8'], service('apnic')],
      [['200.0.0.0/8'], service('lacnic')],
      [['41.0.0.0/8'], service('afrinic')],
    ],
    ipv6: [[['2400::/12'], service('apnic')]],
    asn: [
      [['1-3332', '3334-4607', '4865-23455'], service('arin')],
      [['3333'], service('ripe')],
      [['4608-4864'], service('apnic')],
      [['27648-28671'], service('lacnic')],
      [['36864-37887'], service('afrinic')],
    ],
  };
}

/** Hostile answers at .hostile names: each must give one clear sentence and nothing of its content that could mention, tag or hide. */
export const HOSTILE_NAMES = ['deep.hostile', 'huge.hostile', 'types.hostile', 'mention.hostile', 'notjson.hostile', 'wrongclass.hostile', 'array.hostile'];

function hostileAnswers(server: RdapTestServer): void {
  const depth = 50_000;
  server.answer('/hostile/domain/deep.hostile', {
    body: `{"objectClassName":"domain","ldhName":"deep.hostile","entities":${'[{"entities":'.repeat(depth)}[]${'}]'.repeat(depth)}}`,
  });
  server.answer('/hostile/domain/huge.hostile', { body: `{"objectClassName":"domain","ldhName":"huge.hostile","x":"${'A'.repeat(2 * 1024 * 1024)}"}` });
  server.answer('/hostile/domain/types.hostile', {
    json: {
      objectClassName: 'domain',
      ldhName: 'types.hostile',
      status: 'active',
      nameservers: { ldhName: 7 },
      events: 'yesterday',
      entities: [null, 5, { roles: 'registrar', vcardArray: ['vcard', 'x'] }],
      secureDNS: { delegationSigned: 'yes', dsData: 3 },
      links: 'nope',
      redacted: [{ name: 5 }],
    },
  });
  server.answer('/hostile/domain/mention.hostile', {
    json: {
      objectClassName: 'domain',
      ldhName: 'mention.hostile',
      status: ['@alice@evil.example', '#hashtag', 'ok\u202eevil', 'line\nbreak'],
      nameservers: [{ ldhName: '@bob@evil.example' }, { ldhName: '#ns' }],
      entities: [
        {
          roles: ['registrar'],
          vcardArray: vcard(fn('@carol@evil.example #Registrar \u0000\u200b')),
          publicIds: [{ type: 'IANA Registrar ID', identifier: '#1' }],
        },
        { roles: ['registrant'], vcardArray: vcard(fn('@dave Org'), kind('org')) },
      ],
      redacted: [{ name: { type: '@erin@evil.example' } }],
    },
  });
  server.answer('/hostile/domain/notjson.hostile', { body: '<html>@alice</html>' });
  server.answer('/hostile/domain/wrongclass.hostile', { json: { objectClassName: '@frank@evil.example', ldhName: 'x' } });
  server.answer('/hostile/domain/array.hostile', { json: [1, 2, 3] });
}
