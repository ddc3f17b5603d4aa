import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { postLength } from '../../lib/reply/post-length.ts';
import { replyVisibility, visibilities } from '../../lib/fediverse/reply-visibility.ts';
import { neutraliseText } from '../../lib/reply/safe-text.ts';
import { splitReply, type ReplyLine } from '../../lib/reply/split-reply.ts';

// What Mastodon would turn into a mention or a hashtag (app/models/account.rb MENTION_RE, app/models/tag.rb HASHTAG_RE), widened to any letter.
const mentionLike = /(?<![=/\p{L}\p{M}\p{Nd}\p{Pc}])@[\p{L}\p{M}\p{N}\p{Pc}]/u;
const hashtagLike = /(?<![=/)\p{L}\p{Nd}])[#＃][\p{L}\p{M}\p{N}\p{Pc}]/u;

describe('neutraliseText', () => {
  it('keeps the text readable but makes mentions and hashtags inert', () => {
    assert.equal(neutraliseText('"@someone@example.social #tag"'), '"＠someone@example.social ♯tag"');
    assert.equal(neutraliseText('rua=mailto:dmarc@example.com'), 'rua=mailto:dmarc@example.com');
    // Mastodon's word characters are letters, marks, decimal digits and _: other numbers do not protect.
    assert.equal(neutraliseText('x²@alice ½#tag ①@bob'), 'x²＠alice ½♯tag ①＠bob');
    assert.equal(neutraliseText('_#tag'), '_♯tag');
  });

  it('shows control, bidi and zero-width characters instead of passing them on', () => {
    assert.equal(neutraliseText('a\u202eb\u0007c\u200bd\ne'), 'a[U+202E]b[U+0007]c[U+200B]d[U+000A]e');
  });

  it('never leaves anything that reads as a mention, a hashtag or a hidden character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('@', '#', '@a@b.c', '#tag', '＃tag', '_#tag', '#‿x', '\u202e', 'x@y', '²@a', '½#tag', 'Ⅻ@a'),
        (noise, token) => {
          const out = neutraliseText(noise + token + noise);
          assert.doesNotMatch(out, mentionLike);
          assert.doesNotMatch(out, hashtagLike);
          // Controls (but the newline), bidi and zero-width characters.
          assert.doesNotMatch(out, /(?!\n)[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b-\u200f]/u);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('postLength', () => {
  it('counts code points, and never less than Mastodon for links', () => {
    assert.equal(postLength('abc'), 3);
    assert.equal(postLength('😀'), 1);
    // Mastodon: 4 + 23 + 4; a link counts 23 + its length less the scheme's here.
    assert.equal(postLength('see http://a.co now'), 4 + 23 + 6 + 4);
    // Mastodon counts each of two links joined by a comma (47): never one stretch.
    assert.ok(postLength('http://a.co,http://a.co') >= 47);
    // Mastodon's other schemes count 23 too.
    assert.ok(postLength('dat://a.co') >= 23);
    const long = `https://example.com/${'x'.repeat(100)}`;
    assert.ok(postLength(long) >= 23);
  });
});

describe('splitReply', () => {
  const layout = { maxCharacters: 500, maxParts: 4, mention: '@alice@example.social' };

  it('keeps a short answer in one post with the mention first', () => {
    assert.deepEqual(splitReply([{ text: 'one' }, { text: 'two' }], layout), ['@alice@example.social one\ntwo']);
  });

  it('numbers the parts and counts the records left out', () => {
    const lines: ReplyLine[] = Array.from({ length: 100 }, (_, i) => ({ text: `record ${i} ${'x'.repeat(40)}`, record: true }));
    const parts = splitReply(lines, layout);
    assert.equal(parts.length, 4);
    parts.forEach((part, i) => {
      assert.ok(part.startsWith('@alice@example.social '));
      assert.ok(part.endsWith(`(${i + 1}/4)`));
      assert.ok(postLength(part) <= 500);
    });
    const shown = parts.join('\n').match(/record \d+/g)!.length;
    assert.match(parts[3], new RegExp(`… ${100 - shown} more records not shown`));
  });

  it('keeps room for the “not shown” line when one long line fills the last part', () => {
    const lines: ReplyLine[] = [{ text: 'question' }, { text: 'x'.repeat(5000), record: true }, { text: 'y', record: true }];
    const parts = splitReply(lines, { maxCharacters: 300, maxParts: 2, mention: '@alice' });
    assert.equal(parts.length, 2);
    for (const part of parts) assert.ok(postLength(part) <= 300, `${postLength(part)} > 300`);
    assert.match(parts[1], /… 1 more record not shown\n\(2\/2\)$/);
  });

  it('fits every part into max_characters for any answer', () => {
    const line = fc.record({ text: fc.string({ unit: 'grapheme', maxLength: 700 }), record: fc.boolean() });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.integer({ min: 100, max: 5000 }), fc.integer({ min: 1, max: 6 }), (lines, maxCharacters, maxParts) => {
        const parts = splitReply(lines, { maxCharacters, maxParts, mention: '@bob@host.example' });
        assert.ok(parts.length <= maxParts);
        for (const part of parts) {
          assert.ok(postLength(part) <= maxCharacters, `${postLength(part)} > ${maxCharacters}`);
          assert.ok(part.startsWith('@bob@host.example '));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('replyVisibility', () => {
  it('is never more public than the question nor the cap', () => {
    for (const question of visibilities) {
      for (const cap of visibilities) {
        const reply = replyVisibility(question, cap);
        assert.ok(visibilities.indexOf(reply) <= visibilities.indexOf(question));
        assert.ok(visibilities.indexOf(reply) <= visibilities.indexOf(cap));
      }
      assert.equal(replyVisibility(question), question);
    }
  });

  it('answers a visibility it does not know as direct', () => {
    assert.equal(replyVisibility('local'), 'direct');
    assert.equal(replyVisibility('list', 'public'), 'direct');
  });
});
