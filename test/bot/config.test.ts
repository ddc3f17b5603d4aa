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
