/**
 * Instance facts from the shapes real servers answer (see docs/servers.md):
 * a missing field is a stated default, never a TypeError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_CHARACTERS, readInstanceFacts } from '../../lib/fediverse/instance-facts.ts';

const nodeinfo = (name: string, version: string) => ({ version: '2.1', software: { name, version } });

describe('readInstanceFacts', () => {
  it('reads Mastodon’s v2', () => {
    const facts = readInstanceFacts({
      v2: { version: '4.3.0', configuration: { urls: { streaming: 'wss://m.example' }, statuses: { maxCharacters: 500 } } },
      nodeinfo: nodeinfo('mastodon', '4.3.0'),
    });
    assert.deepEqual(
      { ...facts, notes: undefined },
      {
        maxCharacters: 500,
        streamingUrl: 'wss://m.example',
        software: { name: 'mastodon', version: '4.3.0' },
        markup: 'plain',
        idempotentPosts: true,
        mentionsNeedDomain: false,
        postsOneAtATime: false,
        notes: undefined,
      },
    );
  });

  it('reads Hollo: no configuration.urls in v2, "urls": {} in v1, Markdown', () => {
    const facts = readInstanceFacts({
      v2: { version: '0.10.0', configuration: { statuses: { maxCharacters: 10000 } } },
      v1: { version: '0.10.0', urls: {} },
      nodeinfo: nodeinfo('hollo', '0.10.0'),
    });
    assert.equal(facts.streamingUrl, undefined);
    assert.equal(facts.maxCharacters, 10000);
    assert.equal(facts.markup, 'markdown');
    assert.equal(facts.mentionsNeedDomain, true);
    assert.equal(facts.postsOneAtATime, true);
    assert.ok(facts.notes.includes('no streaming API: polling'));
  });

  it('reads Akkoma’s v1 alone (max_toot_chars, urls.streaming_api) and its compatible version string without nodeinfo', () => {
    const facts = readInstanceFacts({
      v1: {
        version: '2.7.2 (compatible; Akkoma 3.16.0)',
        maxTootChars: 5000,
        urls: { streamingApi: 'wss://a.example' },
        pleroma: { metadata: { postFormats: ['text/plain'] } },
      },
    });
    assert.deepEqual(
      [facts.maxCharacters, facts.streamingUrl, facts.software, facts.markup],
      [5000, 'wss://a.example', { name: 'akkoma', version: '3.16.0' }, 'plain'],
    );
  });

  it('polls Sharkey, whose streaming URL speaks Misskey’s protocol, writes MFM, and looks before posting', () => {
    const facts = readInstanceFacts({
      v1: { version: '3.0.0 (compatible; Sharkey 2025.5.2; like Akkoma)', maxTootChars: 3000, urls: { streamingApi: 'wss://s.example/streaming' } },
    });
    assert.deepEqual([facts.software.name, facts.streamingUrl, facts.markup, facts.idempotentPosts], ['sharkey', undefined, 'mfm', false]);
  });

  it('looks before posting on GoToSocial, which ignores Idempotency-Key', () => {
    const facts = readInstanceFacts({
      v2: { version: '0.20.0+git-abc1234', configuration: { urls: { streaming: 'wss://g.example' }, statuses: { maxCharacters: 5000 } } },
      nodeinfo: nodeinfo('gotosocial', '0.20.0'),
    });
    assert.deepEqual([facts.streamingUrl, facts.markup, facts.idempotentPosts], ['wss://g.example', 'plain', false]);
  });

  it('states a default for what a malformed or partial answer leaves out', () => {
    for (const v2 of [
      undefined,
      null,
      'oops',
      [],
      { configuration: null },
      { configuration: { statuses: { maxCharacters: 'many' }, urls: { streaming: 42 } } },
    ]) {
      const facts = readInstanceFacts({ v2, v1: { urls: null } });
      assert.equal(facts.maxCharacters, DEFAULT_MAX_CHARACTERS);
      assert.equal(facts.streamingUrl, undefined);
      assert.ok(facts.notes.some((note) => note.includes(`assuming ${DEFAULT_MAX_CHARACTERS}`)));
    }
  });

  it('lets REPLY_MARKUP override what the software suggests', () => {
    assert.equal(readInstanceFacts({ nodeinfo: nodeinfo('mastodon', '4.3.0') }, 'markdown').markup, 'markdown');
    assert.equal(readInstanceFacts({ nodeinfo: nodeinfo('hollo', '0.10.0') }, 'plain').markup, 'plain');
  });
});
