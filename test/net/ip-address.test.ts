import assert from 'node:assert/strict';
import { isIPv4, isIPv6 } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  formatIpAddress,
  formatIpv4,
  formatIpv6,
  inPrefix,
  isIpv4Mapped,
  maskIpv4,
  maskIpv6,
  networkOf,
  parseCidr,
  parseIpAddress,
  parseIpv4,
  parseIpv6,
  parsePrefixLength,
  readCidr,
  reverseZones,
} from '../../lib/net/ip-address.ts';

/** Strings made of address characters, so that near-misses are common. */
const addressLike = (alphabet: string[]) => fc.array(fc.constantFrom(...alphabet), { maxLength: 45 }).map((chars) => chars.join(''));

/** The WHATWG URL parser's canonical IPv6 text: an independent RFC 5952 serializer. */
function canonicalIpv6(text: string): string {
  return new URL(`http://[${text}]/`).hostname.slice(1, -1);
}

describe('IPv4 parsing', () => {
  it('accepts exactly what node:net isIPv4 accepts', () => {
    fc.assert(
      fc.property(addressLike(['0', '1', '2', '5', '9', '.', '.', '25', '255', '256', '00', 'a', ' ']), (text) => {
        assert.equal(parseIpv4(text) >= 0, isIPv4(text), text);
      }),
      { numRuns: 20_000 },
    );
  });

  it('round-trips every address through text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (address) => {
        assert.equal(parseIpv4(formatIpv4(address)), address);
      }),
    );
  });

  it('reads a slice of a longer string', () => {
    assert.equal(parseIpv4('x192.0.2.1/24', 1, 10), 0xc0000201);
    assert.equal(parseIpv4('192.0.2.1/24'), -1);
  });

  it('masks host bits', () => {
    assert.equal(maskIpv4(0xc0000281, 25), 0xc0000280);
    assert.equal(maskIpv4(0xffffffff, 0), 0);
    assert.equal(maskIpv4(0xffffffff, 32), 0xffffffff);
  });
});

describe('IPv6 parsing', () => {
  const words = new Uint32Array(4);

  it('accepts exactly what node:net isIPv6 accepts (no zone ids)', () => {
    const alphabet = ['0', '1', 'f', 'F', 'ffff', '1234', '12345', 'g', ':', ':', '::', '.', '1.2.3.4', '255.0.0.1'];
    fc.assert(
      fc.property(addressLike(alphabet), (text) => {
        assert.equal(parseIpv6(text, words), isIPv6(text), text);
      }),
      { numRuns: 50_000 },
    );
  });

  it('reads any address written in any valid way to the right words', () => {
    const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, fc.boolean(), fc.integer({ min: 0, max: 7 }), (parts, upper, dropFrom) => {
        let text = parts.map((part) => part.toString(16)).join(':');
        // Write a run of zero groups as `::` when there is one to drop.
        const zeros = parts.map((part) => part === 0);
        let end = dropFrom;
        while (end < 8 && zeros[end]) end++;
        if (end - dropFrom >= 1) {
          text = `${parts
            .slice(0, dropFrom)
            .map((p) => p.toString(16))
            .join(':')}::${parts
            .slice(end)
            .map((p) => p.toString(16))
            .join(':')}`;
        }
        if (upper) text = text.toUpperCase();
        assert.ok(isIPv6(text), text);
        assert.ok(parseIpv6(text, words), text);
        for (let k = 0; k < 4; k++) assert.equal(words[k], parts[2 * k]! * 0x10000 + parts[2 * k + 1]!, text);
        assert.equal(formatIpv6(words), canonicalIpv6(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('formats like RFC 5952', () => {
    const cases: [string, string][] = [
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['0:0:0:0:0:0:0:0', '::'],
      ['1:0:0:0:0:0:0:0', '1::'],
      ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ];
    for (const [input, expected] of cases) {
      assert.ok(parseIpv6(input, words));
      assert.equal(formatIpv6(words), expected);
    }
  });

  it('reads a dotted IPv4 tail and recognises IPv4-mapped addresses', () => {
    assert.ok(parseIpv6('::ffff:192.0.2.1', words));
    assert.deepEqual([...words], [0, 0, 0xffff, 0xc0000201]);
    assert.ok(isIpv4Mapped(words));
    assert.ok(parseIpv6('64:ff9b::192.0.2.1', words));
    assert.ok(!isIpv4Mapped(words));
  });

  it('refuses zone ids, which node:net accepts', () => {
    assert.ok(isIPv6('fe80::1%eth0'));
    assert.ok(!parseIpv6('fe80::1%eth0', words));
  });

  it('masks host bits across words', () => {
    assert.ok(parseIpv6('2001:db8:ffff:ffff:ffff::1', words));
    maskIpv6(words, 40);
    assert.equal(formatIpv6(words), '2001:db8:ff00::');
  });
});

describe('prefix lengths', () => {
  it('accepts decimal lengths up to the maximum, without leading zeros', () => {
    assert.equal(parsePrefixLength('/24', 1, 3, 32), 24);
    assert.equal(parsePrefixLength('0', 0, 1, 32), 0);
    assert.equal(parsePrefixLength('33', 0, 2, 32), -1);
    assert.equal(parsePrefixLength('128', 0, 3, 128), 128);
    assert.equal(parsePrefixLength('024', 0, 3, 128), -1);
    assert.equal(parsePrefixLength('', 0, 0, 32), -1);
    assert.equal(parsePrefixLength('2a', 0, 2, 128), -1);
  });
});

describe('CIDR text', () => {
  const ip = (text: string) => parseIpAddress(text)!;

  it('reads an address alone, or a prefix with its host bits as written', () => {
    assert.deepEqual(readCidr('192.0.2.1'), { kind: 'address', address: ip('192.0.2.1') });
    assert.deepEqual(readCidr('192.0.2.77/24'), { kind: 'prefix', address: ip('192.0.2.77'), length: 24 });
    assert.deepEqual(readCidr('2001:db8::/32'), { kind: 'prefix', address: ip('2001:db8::'), length: 32 });
    assert.deepEqual(parseCidr('2001:db8::/128'), { address: ip('2001:db8::'), length: 128 });
  });

  it('tells a length that is none for the address’s version from text that is no address', () => {
    assert.deepEqual(readCidr('10.0.0.0/33'), { kind: 'bad-length', address: ip('10.0.0.0'), lengthText: '33' });
    assert.deepEqual(readCidr('10.0.0.0/'), { kind: 'bad-length', address: ip('10.0.0.0'), lengthText: '' });
    assert.deepEqual(readCidr('10.0.0.0/24/8'), { kind: 'bad-length', address: ip('10.0.0.0'), lengthText: '24/8' });
    assert.deepEqual(readCidr('2001:db8::/129'), { kind: 'bad-length', address: ip('2001:db8::'), lengthText: '129' });
    for (const text of ['', '/24', 'example.com/24', '10.0.0/8', 'AS64500']) assert.equal(readCidr(text), undefined, text);
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('192.0.2.1'), undefined, 'an address alone is no prefix');
  });
});

describe('IpAddress, the bytes form', () => {
  it('parses what the word parsers parse, to the same bytes, and formats them the same way', () => {
    const alphabet = ['0', '1', 'f', 'ffff', '::', ':', '.', '1.2.3.4', '255', '%eth0'];
    const words = new Uint32Array(4);
    fc.assert(
      fc.property(addressLike(alphabet), (text) => {
        const address = parseIpAddress(text);
        const ipv4 = parseIpv4(text);
        if (ipv4 >= 0) {
          assert.equal(address?.version, 4, text);
          assert.equal(formatIpAddress(address!), formatIpv4(ipv4));
        } else if (parseIpv6(text, words)) {
          assert.equal(address?.version, 6, text);
          const bytes = Buffer.from(address!.bytes);
          for (let k = 0; k < 4; k++) assert.equal(bytes.readUInt32BE(4 * k), words[k], text);
          assert.equal(formatIpAddress(address!), canonicalIpv6(text));
        } else {
          assert.equal(address, undefined, text);
        }
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('networks of IpAddress', () => {
  it('clears exactly the bits past the prefix length', () => {
    const address = fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 }));
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: 128 }), (bytes, wanted) => {
        const version = bytes.length === 4 ? 4 : 6;
        const length = Math.min(wanted, bytes.length * 8);
        const network = networkOf({ version, bytes }, length);
        for (let bit = 0; bit < bytes.length * 8; bit++) {
          const value = (byte: Uint8Array) => (byte[bit >> 3]! >> (7 - (bit & 7))) & 1;
          assert.equal(value(network.bytes), bit < length ? value(bytes) : 0, `bit ${bit} of /${length}`);
        }
      }),
    );
  });

  it('tells whether an address lies in a prefix', () => {
    const at = (text: string) => parseIpAddress(text)!;
    assert.equal(formatIpAddress(networkOf(at('2001:db8:ffff:ffff::1'), 64)), '2001:db8:ffff:ffff::');
    assert.equal(formatIpAddress(networkOf(at('192.0.2.129'), 25)), '192.0.2.128');
    assert.ok(inPrefix(at('172.31.255.255'), at('172.16.0.0'), 12));
    assert.ok(!inPrefix(at('172.32.0.0'), at('172.16.0.0'), 12));
    assert.ok(inPrefix(at('fe80::1'), at('fe80::'), 10));
    assert.ok(!inPrefix(at('::ffff:10.0.0.1'), at('10.0.0.0'), 8), 'no IPv6 address is in an IPv4 prefix');
    assert.ok(inPrefix(at('198.51.100.7'), at('0.0.0.0'), 0));
  });
});

describe('reverse zones of a prefix', () => {
  const zones = (cidr: string) => {
    const [address, length] = cidr.split('/');
    return reverseZones(parseIpAddress(address!)!, Number(length));
  };

  it('is one zone when the length ends on a label, else one per value of the label it cuts', () => {
    assert.deepEqual(zones('10.0.0.0/8'), ['10.in-addr.arpa']);
    assert.deepEqual(zones('192.168.0.0/16'), ['168.192.in-addr.arpa']);
    assert.deepEqual(zones('198.51.100.0/24'), ['100.51.198.in-addr.arpa']);
    assert.deepEqual(zones('192.0.2.128/25'), ['128.2.0.192.in-addr.arpa', ...Array.from({ length: 127 }, (_, i) => `${129 + i}.2.0.192.in-addr.arpa`)]);
    assert.deepEqual(
      zones('172.16.0.0/12'),
      Array.from({ length: 16 }, (_, i) => `${16 + i}.172.in-addr.arpa`),
    );
    assert.deepEqual(zones('0.0.0.0/0'), ['in-addr.arpa']);
    assert.deepEqual(zones('2001:db8::/32'), ['8.b.d.0.1.0.0.2.ip6.arpa']);
    assert.deepEqual(zones('fe80::/10'), ['8.e.f.ip6.arpa', '9.e.f.ip6.arpa', 'a.e.f.ip6.arpa', 'b.e.f.ip6.arpa']);
    assert.deepEqual(zones('fc00::/7'), ['c.f.ip6.arpa', 'd.f.ip6.arpa']);
  });

  it('ignores host bits', () => {
    assert.deepEqual(zones('10.1.2.3/8'), ['10.in-addr.arpa']);
    assert.deepEqual(zones('172.20.1.1/12'), zones('172.16.0.0/12'));
  });
});
