import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../lib/engine/config-error.ts';
import { readRuntimeConfig } from '../../bot/config.ts';

const base = { MASTODON_URL: 'https://bots.example', MASTODON_TOKEN: 'secret-token', DNS_UPSTREAM: '127.0.0.1' };

describe('readRuntimeConfig', () => {
  it('reads a minimal configuration with its defaults', () => {
    const config = readRuntimeConfig(base);
    assert.equal(config.mastodonUrl, 'https://bots.example');
    assert.equal(config.heartbeatTimeoutMs, 90_000);
    assert.equal(config.streaming, 'auto');
    assert.deepEqual(config.rateLimit, { count: 10, windowMs: 60_000 });
    assert.equal(config.engine.trace.rootHints.length, 26, 'the 13 root servers, IPv4 and IPv6');
    assert.deepEqual(config.engine.trace.rootHints[0], { name: 'a.root-servers.net', address: '198.41.0.4', port: 53 });
    assert.deepEqual([config.engine.trace.timeoutMs, config.engine.trace.allowPrivate], [15_000, false]);
  });

  it('reads DNS_ROOT_HINTS as addresses with optional ports; private ones only with DNS_TRACE_ALLOW_PRIVATE=true', () => {
    const hints = (env: Record<string, string>) => readRuntimeConfig({ ...base, ...env }).engine.trace.rootHints;
    assert.deepEqual(hints({ DNS_ROOT_HINTS: '198.41.0.4, [2001:503:ba3e::2:30]:5353' }), [
      { address: '198.41.0.4', port: 53 },
      { address: '2001:503:ba3e::2:30', port: 5353 },
    ]);
    assert.deepEqual(hints({ DNS_ROOT_HINTS: '127.53.0.1', DNS_TRACE_ALLOW_PRIVATE: 'true' }), [{ address: '127.53.0.1', port: 53 }]);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['a missing token', { MASTODON_TOKEN: '' }, /^MASTODON_TOKEN: is required/],
    ['a missing URL', { MASTODON_URL: '' }, /^MASTODON_URL: is required/],
    ['a URL that is none', { MASTODON_URL: 'mastodon.example' }, /^MASTODON_URL: must be the instance's address/],
    ['a bad rate limit', { RATE_LIMIT: 'ten per minute' }, /^RATE_LIMIT: must be COUNT\/WINDOW/],
    ['a bad streaming mode', { STREAMING: 'yes' }, /^STREAMING: must be auto, off/],
    ['a bad timeout', { HEARTBEAT_TIMEOUT_MS: '-5' }, /^HEARTBEAT_TIMEOUT_MS: must be a whole number/],
    ['a bad visibility cap', { REPLY_MAX_VISIBILITY: 'secret' }, /^REPLY_MAX_VISIBILITY: must be one of/],
    ['a bad upstream', { DNS_UPSTREAM: 'ftp://x' }, /^DNS_UPSTREAM: /],
    ['a bad profile', { DNS_PROFILES: 'cn' }, /^DNS_PROFILES: /],
    ['a bad query log setting', { LOG_QUERIES: 'some' }, /^LOG_QUERIES: must be all, public-only, none/],
    ['a root hint that is a name', { DNS_ROOT_HINTS: 'a.root-servers.net' }, /^DNS_ROOT_HINTS: “a.root-servers.net” is not an address or address:port/],
    ['a root hint over TCP', { DNS_ROOT_HINTS: 'tcp://198.41.0.4' }, /^DNS_ROOT_HINTS: “tcp:\/\/198.41.0.4” is not an address/],
    [
      'a private root hint',
      { DNS_ROOT_HINTS: '198.41.0.4,10.0.0.53' },
      /^DNS_ROOT_HINTS: 10.0.0.53 is private-use \(RFC 1918\), .*DNS_TRACE_ALLOW_PRIVATE=true/,
    ],
    ['a link-local IPv6 root hint', { DNS_ROOT_HINTS: '[fe80::1]:53' }, /^DNS_ROOT_HINTS: \[fe80::1\]:53 is link-local/],
    ['an IPv6 root hint outside global unicast', { DNS_ROOT_HINTS: '4000::1' }, /^DNS_ROOT_HINTS: 4000::1 is outside IPv6 global unicast/],
    ['a bad trace timeout', { DNS_TRACE_TIMEOUT_MS: '10' }, /^DNS_TRACE_TIMEOUT_MS: must be a whole number from 1000/],
    ['a bad private switch', { DNS_TRACE_ALLOW_PRIVATE: 'yes' }, /^DNS_TRACE_ALLOW_PRIVATE: must be false, true/],
    ['no table thread', { BGP_TABLE_THREADS: '0' }, /^BGP_TABLE_THREADS: must be a whole number from 1 to 16/],
    ['more table threads than it uses', { BGP_TABLE_THREADS: '17' }, /^BGP_TABLE_THREADS: must be a whole number from 1 to 16/],
    ['a table thread count that is no number', { BGP_TABLE_THREADS: 'two' }, /^BGP_TABLE_THREADS: must be a whole number from 1 to 16/],
  ];
  for (const [label, change, message] of bad) {
    it(`names the variable for ${label}, never the token`, () => {
      assert.throws(
        () => readRuntimeConfig({ ...base, ...change }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /secret-token/);
          return true;
        },
      );
    });
  }
});
