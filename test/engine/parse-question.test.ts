import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuestion } from '../../lib/engine/question/parse-question.ts';
import type { Question } from '../../lib/engine/question/question.ts';
import { parseIpAddress } from '../../lib/net/ip-address.ts';

const options = { profiles: ['cn', 'quad9'], maxTypes: 5 };
const parse = (text: string) => parseQuestion(text, options);
const ip = (text: string) => parseIpAddress(text)!;

function dns(question: Question) {
  assert.equal(question.kind, 'dns', JSON.stringify(question));
  return question as Extract<Question, { kind: 'dns' }>;
}
function invalid(question: Question) {
  assert.equal(question.kind, 'invalid', JSON.stringify(question));
  return question as Extract<Question, { kind: 'invalid' }>;
}

describe('parseQuestion', () => {
  it('reads NAME TYPE..., defaulting to A', () => {
    assert.deepEqual(dns(parse('example.com')).types, [1]);
    const q = dns(parse('Example.COM. mx txt'));
    assert.equal(q.name.ascii, 'example.com');
    assert.deepEqual(q.types, [15, 16]);
  });

  it('reads TYPE NAME, ADDR, TYPEnnn and removes repeated types', () => {
    assert.deepEqual(dns(parse('MX example.com')).types, [15]);
    assert.deepEqual(dns(parse('example.com addr')).types, [1, 28]);
    assert.deepEqual(dns(parse('example.com type65 A a')).types, [65, 1]);
  });

  it('takes a first word that looks like a type as the name when only types follow', () => {
    const q = dns(parse('ns mx'));
    assert.equal(q.name.ascii, 'ns');
    assert.deepEqual(q.types, [15]);
  });

  it('caps the number of types', () => {
    assert.match(invalid(parse('example.com A AAAA MX TXT NS SOA')).problem, /6 record types/);
  });

  it('converts IDN per label with UTS #46 and keeps both forms', () => {
    const q = dns(parse('Café.Example'));
    assert.equal(q.name.ascii, 'xn--caf-dma.example');
    assert.equal(q.name.unicode, 'café.example');
    assert.equal(dns(parse('xn--caf-dma.example')).name.unicode, 'café.example');
    assert.equal(dns(parse('i❤.ws')).name.ascii, 'xn--i-7iq.ws');
    assert.equal(dns(parse('bücher。de')).name.ascii, 'xn--bcher-kva.de');
  });

  it('passes underscore labels and wildcards through untouched', () => {
    assert.equal(dns(parse('_dmarc.example.com TXT')).name.ascii, '_dmarc.example.com');
    assert.equal(dns(parse('_443._tcp.example.com TLSA')).name.ascii, '_443._tcp.example.com');
    assert.equal(dns(parse('*.example.com')).name.ascii, '*.example.com');
  });

  it('turns an address into a reverse (PTR) question', () => {
    const v4 = dns(parse('192.0.2.1'));
    assert.equal(v4.name.ascii, '1.2.0.192.in-addr.arpa');
    assert.deepEqual(v4.types, [12]);
    assert.equal(dns(parse('2001:db8::1 PTR')).name.ascii, '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    assert.match(invalid(parse('192.0.2.1 MX')).hint, /alone/);
  });

  it('reads every way people write an IPv6 address, colons at the ends included', () => {
    const reverse = (text: string) => dns(parse(text)).name.ascii;
    assert.equal(reverse('::1'), `1.${'0.'.repeat(31)}ip6.arpa`);
    assert.equal(reverse('(::1)?'), reverse('::1'));
    assert.equal(reverse('2001:db8::'), `${'0.'.repeat(24)}8.b.d.0.1.0.0.2.ip6.arpa`);
    assert.equal(reverse('"2001:db8::"'), reverse('2001:db8::'));
    assert.equal(reverse('[2001:db8::1]'), reverse('2001:DB8:0000:0000:0000:0000:0000:0001'));
    assert.equal(reverse('::ffff:192.0.2.1'), reverse('::ffff:c000:201'));
    assert.equal(reverse('192.0.2.1.'), '1.2.0.192.in-addr.arpa');
  });

  it('refuses an address with a zone index, which only means something on the asker’s machine', () => {
    const refused = invalid(parse('fe80::1%eth0'));
    assert.match(refused.problem, /zone index \(%eth0\)/);
    assert.match(refused.hint, /“fe80::1”/);
  });

  it('takes the host of a pasted link', () => {
    assert.equal(dns(parse('https://www.example.org/path?q=1 AAAA')).name.ascii, 'www.example.org');
  });

  it('reads help, info and an empty question', () => {
    assert.equal(parse('').kind, 'help');
    assert.equal(parse('   ').kind, 'help');
    assert.equal(parse('HELP').kind, 'help');
    assert.equal(parse('info').kind, 'info');
  });

  it('ignores other mentions and hashtags but reads @PROFILE and via PROFILE', () => {
    assert.equal(dns(parse('@alice example.com #dns')).name.ascii, 'example.com');
    assert.equal(dns(parse('example.com via CN')).profile, 'cn');
    assert.equal(dns(parse('@quad9 example.com')).profile, 'quad9');
    assert.match(invalid(parse('example.com via nowhere')).hint, /cn, quad9/);
  });

  describe('reads dig command lines as people paste them', () => {
    it('ignores the name of the command: dig, kdig, drill, host, nslookup', () => {
      for (const tool of ['dig', 'KDIG', 'drill', 'host', 'nslookup']) {
        const q = dns(parse(`${tool} example.com MX`));
        assert.equal(q.name.ascii, 'example.com', tool);
        assert.deepEqual(q.types, [15], tool);
      }
      assert.equal(dns(parse('dig')).name.ascii, 'dig', 'alone, the word is the name asked');
    });

    it('reads -x ADDRESS, -t TYPE, -tTYPE, -type=TYPE, -4 and -6, and the class IN', () => {
      const reverse = dns(parse('dig -x 192.0.2.1'));
      assert.equal(reverse.name.ascii, '1.2.0.192.in-addr.arpa');
      assert.deepEqual(reverse.types, [12]);
      assert.equal(dns(parse('dig -x 2001:db8::1 +short')).address?.version, 6);
      assert.deepEqual(dns(parse('dig -t MX example.com')).types, [15]);
      assert.deepEqual(dns(parse('kdig -tAAAA example.com')).types, [28]);
      assert.deepEqual(dns(parse('nslookup -type=txt example.com')).types, [16]);
      assert.deepEqual(dns(parse('dig example.com IN MX')).types, [15]);
      assert.deepEqual(dns(parse('dig -c IN example.com')).types, [1]);
      assert.equal(dns(parse('dig -6 example.com')).dig.family, 6);
      assert.equal(dns(parse('example.com -4')).dig.family, 4);
      assert.match(invalid(parse('dig -x example.com')).problem, /after -x is not an IP address/);
      assert.match(invalid(parse('dig -x')).problem, /-x takes an address/);
      assert.match(invalid(parse('dig -t BOGUS example.com')).problem, /“BOGUS” after -t is not a record type/);
      assert.match(invalid(parse('dig CH TXT version.bind')).problem, /only ask class IN/);
    });

    it('reads +short, +dnssec, +cd, +tcp (+vc), +nsid and their +no forms', () => {
      const q = dns(parse('dig +short +dnssec +cd +vc +nsid example.com'));
      assert.deepEqual(q.dig, { short: true, dnssec: true, checkingDisabled: true, tcp: true, nsid: true });
      assert.deepEqual(dns(parse('example.com +dnssec +nodnssec')).dig, { dnssec: false });
      assert.deepEqual(dns(parse('example.com')).dig, {});
    });

    it('reads +trace with one type, as dig takes it, and without a resolver of choice', () => {
      const q = dns(parse('dig example.com MX +trace'));
      assert.deepEqual([q.types, q.dig], [[15], { trace: true }]);
      assert.deepEqual(dns(parse('-x 192.0.2.1 +trace')).dig, { trace: true });
      assert.match(invalid(parse('example.com A AAAA +trace')).problem, /\+trace follows one record type, and you asked for 2/);
      assert.match(
        invalid(parse('example.com +trace via quad9')).problem,
        /\+trace asks the root servers and each zone’s own servers, not the resolver “quad9”/,
      );
    });

    it('answers an unknown option with the ones that work, and refuses +norecurse with the reason', () => {
      for (const text of ['example.com +bufsize=512', 'dig -p 5353 example.com']) {
        const q = invalid(parse(text));
        assert.match(q.problem, /I do not know/, text);
        assert.match(q.hint, /\+short, \+dnssec, \+cd, \+tcp, \+nsid and \+trace/, text);
      }
      for (const flag of ['+norecurse', '+norec', '+NORECURSE']) {
        const q = invalid(parse(`dig ${flag} example.com`));
        assert.equal(q.refused, true);
        assert.match(q.problem, /cache, and so what its other users looked up/);
      }
    });

    it('matches option names exactly, and takes dig’s display options as read', () => {
      assert.deepEqual(dns(parse('nslookup -querytype=mx example.com')).types, [15]);
      for (const text of ['nslookup -timeout=5 example.com', 'host -C example.com', 'host -T example.com', 'drill -T example.com']) {
        assert.match(invalid(parse(text)).problem, /I do not know the option/, text);
      }
      assert.deepEqual(dns(parse('dig example.com. IN A +noall +answer')).types, [1]);
      assert.deepEqual(dns(parse('dig +multiline +nocmd +nostats example.com')).dig, {});
      assert.match(invalid(parse('dig @[2001:4860:4860::8888] example.com')).problem, /^I do not ask “2001:4860:4860::8888”:/);
    });

    it('refuses zone transfers in every spelling', () => {
      for (const text of ['example.com AXFR', 'dig axfr example.com', 'dig -t IXFR example.com', 'nslookup -type=AXFR example.com']) {
        const q = invalid(parse(text));
        assert.equal(q.refused, true, text);
        assert.match(q.problem, /zone transfers \(AXFR, IXFR\) are not offered/, text);
      }
      assert.deepEqual(dns(parse('example.com ANY')).types, [255]);
    });

    it('refuses @SERVER and host’s and nslookup’s server argument, naming the resolvers it asks', () => {
      for (const text of [
        'example.com @1.1.1.1',
        'dig @8.8.8.8 example.com',
        'dig @[2001:db8::53] example.com',
        'example.com @dns.example',
        'host example.com 9.9.9.9',
        'nslookup example.com dns.example',
      ]) {
        const q = invalid(parse(text));
        assert.equal(q.refused, true, text);
        assert.match(q.problem, /I only ask the resolvers my operator set up/, text);
        assert.match(q.hint, /“via cn”, “via quad9”/, text);
      }
      assert.match(invalid(parseQuestion('example.com @1.1.1.1', { profiles: [], maxTypes: 5 })).hint, /this bot has one resolver/);
      assert.equal(invalid(parse('dig @localhost example.com')).refused, true, 'localhost is a server');
      assert.equal(dns(parse('example.com @all')).compare, true, '@all compares, like via all');
      // An account's mention, with or without its domain, is not a server.
      assert.equal(dns(parse('@bob@example.social example.com')).name.ascii, 'example.com');
      assert.equal(dns(parse('@bob example.com')).profile, undefined);
    });
  });

  it('reads BGP questions', () => {
    assert.deepEqual(parse('bgp 192.0.2.1'), { kind: 'bgp', query: { kind: 'address', address: ip('192.0.2.1') } });
    assert.deepEqual(parse('192.0.2.77/24'), { kind: 'bgp', query: { kind: 'prefix', prefix: ip('192.0.2.0'), length: 24 } });
    assert.deepEqual(parse('bgp 2001:DB8::/32'), { kind: 'bgp', query: { kind: 'prefix', prefix: ip('2001:db8::'), length: 32 } });
    assert.deepEqual(parse('AS64500'), { kind: 'bgp', query: { kind: 'asn', asn: 64500 } });
    assert.equal(parse('bgp 10.0.0.0/33').kind, 'invalid');
    assert.equal(parse('bgp AS99999999999').kind, 'invalid');
  });

  it('reads bgp path questions, for an address or prefix only', () => {
    assert.deepEqual(parse('bgp path 192.0.2.1'), { kind: 'bgp', query: { kind: 'address', address: ip('192.0.2.1') }, listPaths: true });
    assert.deepEqual(parse('BGP Paths 2001:db8::/32'), { kind: 'bgp', query: { kind: 'prefix', prefix: ip('2001:db8::'), length: 32 }, listPaths: true });
    assert.equal(parse('bgp path AS64500').kind, 'invalid');
    assert.equal(parse('bgp path').kind, 'invalid');
  });

  describe('refuses bad input with what was wrong and what would work', () => {
    const cases: [string, string, RegExp][] = [
      ['10 kB of text', 'a '.repeat(5000), /characters long/],
      ['a 64-octet label', `${'a'.repeat(64)}.example`, /64 octets/],
      ['a 300-octet name', `${Array.from({ length: 10 }, () => 'a'.repeat(29)).join('.')}.example`, /octets long/],
      ['two dots', 'a..example', /empty label/],
      ['invalid IDN', 'xn--zz.example', /not a valid internationalised/],
      ['mixed-direction label', 'aעברית.example', /not a valid internationalised/],
      ['a bidi override', 'exa\u202emple.com', /not a valid internationalised/],
      ['a zero-width space', 'exa\u200bmple.com', /invisible character/],
      ['HTML left in the text', '<b>example.com</b>', /not a valid internationalised|one name at a time|hyphen/],
      ['two names', 'example.com example.org', /one name at a time/],
      ['only types', 'MX', /which name/],
      ['a hyphen at the edge', '-example.com', /hyphen/],
      ['too many words', 'a b c d e f g h i j k l m n o p q', /17 words/],
    ];
    for (const [label, text, problem] of cases) {
      it(label, () => {
        const q = invalid(parse(text));
        assert.match(q.problem, problem);
        assert.ok(q.hint.length > 5, 'a hint says what would work');
        assert.doesNotMatch(q.problem, /[\u200b\u202e]/u, 'invisible characters are shown, not echoed');
      });
    }
  });

  it('accepts emoji and right-to-left names that IDNA allows', () => {
    assert.equal(dns(parse('💩.la')).name.ascii, 'xn--ls8h.la');
    assert.equal(dns(parse('עברית.example')).name.ascii, 'xn--5dbqzzl.example');
  });

  it('reads whois, rdap and abuse questions: a name (IDN and pasted links too), an address, a prefix or an AS number', () => {
    assert.deepEqual(parse('whois Café.example'), {
      kind: 'whois',
      target: { kind: 'domain', name: { ascii: 'xn--caf-dma.example', unicode: 'café.example' } },
      abuseOnly: false,
    });
    assert.deepEqual(parse('WHOIS https://www.example.com/page'), {
      kind: 'whois',
      target: { kind: 'domain', name: { ascii: 'www.example.com', unicode: 'www.example.com' } },
      abuseOnly: false,
    });
    assert.deepEqual(parse('rdap 192.0.2.1'), { kind: 'whois', target: { kind: 'address', address: ip('192.0.2.1') }, abuseOnly: false });
    assert.deepEqual(parse('whois 2001:db8::1/32'), { kind: 'whois', target: { kind: 'prefix', prefix: ip('2001:db8::'), length: 32 }, abuseOnly: false });
    assert.deepEqual(parse('abuse as64500'), { kind: 'whois', target: { kind: 'asn', asn: 64500 }, abuseOnly: true });
    assert.match(invalid(parse('whois')).problem, /takes one name, address, prefix or AS number/);
    assert.match(invalid(parse('whois a.example b.example')).problem, /takes one name/);
    assert.match(invalid(parse('abuse example.com')).problem, /“abuse” takes an address, prefix or AS number/);
    assert.match(invalid(parse('whois 192.0.2.1/33')).problem, /\/33 is not a prefix length/);
    assert.match(invalid(parse('whois AS99999999999')).problem, /is not an IP address, prefix or AS number/);
    assert.match(invalid(parse('whois .')).problem, /the root has no registration/);
  });
});
