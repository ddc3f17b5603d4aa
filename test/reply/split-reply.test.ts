/**
 * Where splitReply cuts an answer: between lines, so that every record a
 * post shows is whole; a line is cut only when it alone is longer than a
 * post, and then the cut is marked (` ↩` at the end of the head, `↪ ` at
 * the start of the rest). Checked in every markup, with the parts read back
 * as the server shows them, and with hostile text at every cut.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { markupWriter, replyMarkups, type ReplyMarkup } from '../../lib/reply/markup.ts';
import { postLength } from '../../lib/reply/post-length.ts';
import { neutraliseText } from '../../lib/reply/safe-text.ts';
import { splitReply, type ReplyLine } from '../../lib/reply/split-reply.ts';
import { countableLength } from '../testkit/mastodon/status-length.ts';
import { extractEntities } from '../testkit/mastodon/text-entities.ts';
import { readAsHollo, readAsMfm } from '../testkit/server-parsers.ts';

const mention = '@alice@asker.example';
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The lines of each part as the reader sees them, between the mention and
 * the counter, after checking that every part has both and fits. Good for
 * lines of the `neutral` alphabet, which no markup escapes but Markdown's `.`.
 */
function readBack(parts: readonly string[], markup: ReplyMarkup, maxCharacters: number): string[][] {
  const { lineBreak } = markupWriter(markup);
  return parts.map((part, i) => {
    assert.ok(countableLength(part) <= maxCharacters, `part ${i + 1} is ${countableLength(part)} characters: ${JSON.stringify(part)}`);
    assert.ok(part.startsWith(`${mention} `), part);
    // A whole answer in one post has no counter; one cut short to fit a single post has (1/1).
    const counter = `${lineBreak}(${i + 1}/${parts.length})`;
    const counted = part.endsWith(counter);
    assert.ok(counted || parts.length === 1, part);
    const lines = part.slice(mention.length + 1, counted ? -counter.length : undefined).split(lineBreak);
    if (markup === 'markdown') return lines.map((line) => line.replace(/\\(.)/gu, '$1'));
    if (markup === 'mfm') return lines.map((line) => line.replace(/^<plain>(.*)<\/plain>$/u, '$1'));
    return lines;
  });
}

/** Letters, digits, spaces, dots and graphemes of several code points: text a cut could break, with nothing to neutralise. */
const neutral = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'abcxyz019 .=', 'é', 'e\u0301', '日', '😀', '🇩🇪', '👍🏽', 'Straße'), minLength: 1, maxLength, size: 'max' });

const rrsig = (owner: string) =>
  `${owner}. 600 IN RRSIG TXT 13 2 600 20250101000000 20240101000000 34505 example.com. x5bQvKq2mW0i9sXk1ZrP7y3e8LdGfHcJbTnA4uVoR6wE2zYqMiN+S0lBkDjC5gFhU1tO9pXa7rWvQ==`;

describe('splitReply cuts between lines', () => {
  it('puts records that together exceed a post into posts of whole records', () => {
    const lines: ReplyLine[] = [rrsig('www.example.com'), rrsig('mail.example.com'), rrsig('example.com'), rrsig('ftp.example.com')].map((text) => ({
      text,
      record: true,
    }));
    const parts = splitReply(lines, { maxCharacters: 500, maxParts: 4, mention });
    assert.deepEqual(readBack(parts, 'plain', 500), [
      [lines[0].text, lines[1].text],
      [lines[2].text, lines[3].text],
    ]);
  });

  it('moves any line that does not fit the rest of a post to the next, the question and notes too', () => {
    const question = { text: `🔎 example.com TXT ${'?'.repeat(40)}` };
    const record = { text: `example.com. 300 IN TXT "${'v'.repeat(400)}"`, record: true };
    const note = { text: `📡 9.9.9.9 (UDP), 12 ms ${'.'.repeat(100)}` };
    assert.deepEqual(readBack(splitReply([record, question], { maxCharacters: 500, maxParts: 4, mention }), 'plain', 500), [[record.text], [question.text]]);
    assert.deepEqual(readBack(splitReply([question, record, note], { maxCharacters: 500, maxParts: 4, mention }), 'plain', 500), [
      [question.text],
      [record.text],
      [note.text],
    ]);
  });

  it('never cuts a line that fits a post alone, in any markup', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 1000 }),
        fc.constantFrom(...replyMarkups),
        fc.array(neutral(120), { minLength: 1, maxLength: 30 }),
        (maxCharacters, markup, texts) => {
          const lines = texts.map((text) => ({ text, record: true }));
          const writer = markupWriter(markup);
          // Every line fits a post alone beside the mention and the longest counter, (30/30), as the splitter counts.
          fc.pre(lines.every(({ text }) => postLength(`${mention} ${writer.line(text)}${writer.lineBreak}(30/30)`) <= maxCharacters));
          const parts = splitReply(lines, { maxCharacters, maxParts: 30, mention, markup });
          assert.deepEqual(readBack(parts, markup, maxCharacters).flat(), texts);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('splitReply cuts a line longer than a post', () => {
  it('marks the cut: the head ends with ↩, the rest starts with ↪, the counter stays', () => {
    const txt = `example.com. 300 IN TXT "${'k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.repeat(12)}"`;
    const parts = splitReply([{ text: '🔎 example.com TXT' }, { text: txt, record: true }], { maxCharacters: 500, maxParts: 4, mention });
    assert.equal(parts.length, 2);
    const [[question, head], [rest]] = readBack(parts, 'plain', 500);
    assert.equal(question, '🔎 example.com TXT');
    assert.match(parts[0], / ↩\n\(1\/2\)$/);
    assert.ok(parts[1].startsWith(`${mention} ↪ `), parts[1]);
    assert.equal(`${head.slice(0, -' ↩'.length)}${rest.slice('↪ '.length)}`, txt);
  });

  it('cuts it into pieces that each fill a post, marked at each cut and nowhere else, between graphemes, in any markup', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 600 }),
        fc.constantFrom(...replyMarkups),
        // A question and a note that fit any post, around a record that may not.
        neutral(8),
        neutral(600),
        neutral(8),
        (maxCharacters, markup, question, record, note) => {
          const parts = splitReply([{ text: question }, { text: record, record: true }, { text: note }], { maxCharacters, maxParts: 100, mention, markup });
          const lines = readBack(parts, markup, maxCharacters).flatMap((part, i) =>
            part.map((line, j) => ({ line, first: j === 0, last: j === part.length - 1, lastPart: i === parts.length - 1, post: parts[i] })),
          );
          const boundaries = new Set([...segmenter.segment(record)].map((g) => g.index));
          const pieces: string[] = [];
          let afterCut = false;
          for (const { line, first, last, lastPart, post } of lines) {
            const continued = line.startsWith('↪ ');
            const cut = line.endsWith(' ↩');
            assert.equal(continued, afterCut, `↪ must start the line after a cut, and only that line: ${JSON.stringify(line)}`);
            if (continued) assert.ok(first, `the rest of a cut line starts a post: ${JSON.stringify(line)}`);
            if (cut) assert.ok(last && !lastPart, `a cut ends a post, and the rest follows: ${JSON.stringify(line)}`);
            // Short of full by no more than the room kept for a counter of (100/100) and one grapheme, written.
            if (cut) assert.ok(postLength(post) > maxCharacters - 8, `a cut post not filled: ${JSON.stringify(post)}`);
            if (continued || cut) {
              pieces.push(line.slice(continued ? '↪ '.length : 0, cut ? -' ↩'.length : undefined));
              if (cut) assert.ok(boundaries.has(pieces.join('').length), 'a cut inside a grapheme');
            }
            afterCut = cut;
          }
          const { line: written, lineBreak } = markupWriter(markup);
          if (postLength(`${mention} ${written(record)}${lineBreak}(100/100)`) <= maxCharacters)
            assert.deepEqual(pieces, [], 'a record that fits a post is cut');
          if (pieces.length) assert.equal(pieces.join(''), record);
          else assert.ok(lines.some(({ line }) => line === record));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves no live mention or hashtag at any cut, in any markup', () => {
    const tokens = ['@user@example.com', 'x@user@example.com', '＠user@example.com', '#tag', 'x#tag', '1#tag', '_#tag', 'mailto:x@example.com'];
    for (const markup of replyMarkups) {
      for (const token of tokens) {
        // The first cut falls within 70 characters at 100: sliding the token over 100 of them puts every part of it at that cut.
        for (let at = 0; at < 100; at++) {
          const text = neutraliseText(`${'x'.repeat(at)}${token}`);
          const parts = splitReply([{ text, record: true }], { maxCharacters: 100, maxParts: 10, mention, markup });
          parts.forEach((part, i) => {
            assert.ok(countableLength(part) <= 100, part);
            assert.deepEqual(namedIn(part, markup), [mention], `part ${i + 1} in ${markup}: ${JSON.stringify(part)}`);
          });
        }
      }
    }
  });
});

/** The mentions and hashtags the server of `markup` finds in a post, as @user@domain and #tag. */
function namedIn(part: string, markup: ReplyMarkup): string[] {
  if (markup === 'markdown') {
    const read = readAsHollo(part);
    return [...read.mentions, ...read.hashtags.map((tag) => `#${tag.replace(/^#/, '')}`)];
  }
  if (markup === 'mfm') {
    const read = readAsMfm(part);
    return [...read.mentions, ...read.hashtags.map((tag) => `#${tag}`)];
  }
  return extractEntities(part)
    .filter((entity) => entity.kind !== 'url')
    .map((entity) => `${entity.kind === 'mention' ? '@' : '#'}${entity.value}`);
}

describe('splitReply with more than maxParts posts to fill', () => {
  it('counts the records left out, every record shown being whole', () => {
    const lines = Array.from({ length: 10 }, (_, i) => ({ text: `record${i}.example.com. 300 IN TXT "${'t'.repeat(260)}"`, record: true }));
    const parts = splitReply(lines, { maxCharacters: 500, maxParts: 3, mention });
    const shown = readBack(parts, 'plain', 500);
    assert.deepEqual(shown, [[lines[0].text], [lines[1].text], [lines[2].text, '… 7 more records not shown']]);
  });

  it('marks a line cut to make room for the count, and does not count it', () => {
    const lines: ReplyLine[] = [{ text: 'question' }, { text: 'x'.repeat(5000), record: true }, { text: 'y', record: true }];
    for (const maxParts of [1, 2]) {
      const shown = readBack(splitReply(lines, { maxCharacters: 300, maxParts, mention }), 'plain', 300);
      assert.equal(shown.length, maxParts);
      assert.deepEqual(shown[0].slice(0, 1), ['question']);
      const [head, trailer] = shown[maxParts - 1].slice(-2);
      assert.match(head, /^(↪ )?x+ ↩$/);
      assert.equal(trailer, '… 1 more record not shown');
    }
  });
});
