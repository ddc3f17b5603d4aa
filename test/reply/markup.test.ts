/**
 * Replies written for a server that reads Markdown (Hollo) or MFM (Misskey's
 * forks) must render as the same plain text: checked with the parsers those
 * servers run — markdown-it 15 set up as Hollo's src/text.ts does, with
 * Fedify's mention and hashtag plugins, and mfm-js — over hostile DNS data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as mfm from 'mfm-js';
import { markupWriter } from '../../lib/reply/markup.ts';
import { neutraliseText } from '../../lib/reply/safe-text.ts';
import { splitReply } from '../../lib/reply/split-reply.ts';
import { hostileText } from '../testkit/fuzz/hostile-text.ts';
import { readAsHollo } from '../testkit/server-parsers.ts';

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };
/** The text a reader sees: <br> lines, tags dropped, entities decoded. */
const shownText = (html: string) =>
  html
    .replace(/<br\s*\/?>\n?/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(?:amp|lt|gt|quot);/g, (entity) => entities[entity])
    .trim();
// White space at the start and end of a line: markdown-it drops some of it (String#trim), and no reader sees it.
const asShown = (line: string) => line.trim();

const markdown = markupWriter('markdown');
const dnsLike = fc.oneof(
  hostileText(),
  fc.constantFrom(
    '"*not bold* _not italic_ \\\\# not-a-heading <b>x</b>"',
    'example.com. 300 IN A 192.0.2.1',
    '# heading?',
    '- list?',
    '1) list?',
    '1. list?',
    '> quote?',
    '===',
    '---',
    '| a | b |',
    '`code` ```fence```',
    '[link](https://example.com) ![img](x.png) <https://example.com>',
    'https://example.com/path www.example.com mail.example.io user@example.com',
    '~~strike~~ &copy; &amp; \\',
    ':emoji: :85a3: 2001:db8:85a3::1',
  ),
);

describe('replies written as Markdown (Hollo)', () => {
  it('render as the same text, line for line, with no link, mention, hashtag or formatting', () => {
    fc.assert(
      // A reply has no blank line: each is a record, a heading or a note.
      fc.property(
        fc.array(
          dnsLike.filter((text) => neutraliseText(text).trim() !== ''),
          { minLength: 1, maxLength: 4 },
        ),
        (raw) => {
          const lines = raw.map((text) => neutraliseText(text));
          const written = lines.map((line) => markdown.line(line)).join(markdown.lineBreak);
          const { html, mentions, hashtags } = readAsHollo(written);
          assert.deepEqual(mentions, [], html);
          assert.deepEqual(hashtags, [], html);
          assert.doesNotMatch(html, /<(?!\/?p>|br)[a-z]/i, `only <p> and <br> in ${html}`);
          assert.equal(shownText(html).split('\n').map(asShown).join('\n'), lines.map(asShown).join('\n'), html);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the asker’s mention live and the parts within max_characters', () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({ text: `host${i}.example.com. 300 IN TXT "*v=spf1* _x_ [y]"`, record: true }));
    const parts = splitReply(lines, { maxCharacters: 500, maxParts: 4, mention: '@alice@asker.example', markup: 'markdown' });
    assert.ok(parts.length > 1);
    for (const part of parts) {
      assert.ok([...part].length <= 500, `${[...part].length} characters`);
      const { html, mentions } = readAsHollo(part);
      assert.deepEqual(mentions, ['@alice@asker.example']);
      assert.match(shownText(html), /\(\d\/\d\)$/);
      assert.doesNotMatch(html, /<em>|<strong>|href="http:\/\/host/);
    }
  });
});

describe('replies written as MFM (Misskey, Sharkey)', () => {
  const writer = markupWriter('mfm');
  it('write a line with markup-like data, </plain> included, as text that no HTML reads as a tag', () => {
    assert.equal(writer.line('TXT "<a href=x>y</a></plain>@z"'), '<plain>TXT "＜a href=x＞y＜/a＞＜/plain＞@z"</plain>');
  });
  it('show every line as it is: one plain node, no mention, hashtag, emoji code, link or search', () => {
    fc.assert(
      fc.property(dnsLike, (raw) => {
        const line = neutraliseText(raw);
        const nodes = mfm.parse(writer.line(line));
        if (line === '') return;
        assert.equal(nodes.length, 1, JSON.stringify(nodes));
        assert.equal(nodes[0].type, 'plain');
        // As it is, but for its angle brackets, which a server's HTML need not escape.
        assert.equal(mfm.toString(nodes[0].children ?? []), line.replace(/</g, '＜').replace(/>/g, '＞'));
      }),
      { numRuns: 300 },
    );
  });
});
