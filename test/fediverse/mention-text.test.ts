import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mentionText } from '../../lib/fediverse/mention-text.ts';

const bot = 'https://bots.example/@dig';
// As Mastodon renders a status (app/lib/text_formatter.rb): h-card mentions, links with invisible and ellipsis spans.
const mention = (url: string, name: string) => `<span class="h-card" translate="no"><a href="${url}" class="u-url mention">@<span>${name}</span></a></span>`;

describe('mentionText', () => {
  it('removes the bot’s own mention and keeps the question', () => {
    assert.equal(mentionText(`<p>${mention(bot, 'dig')} example.com MX</p>`, [bot]), 'example.com MX');
  });

  it('removes the mentions of every account given, so that an @name left is one the asker typed', () => {
    const bob = 'https://other.example/@bob';
    assert.equal(mentionText(`<p>${mention(bot, 'dig')} ${mention(bob, 'bob')} example.com @1.1.1.1</p>`, [bot, bob]), 'example.com @1.1.1.1');
  });

  it('keeps other mentions as @name, which the parser ignores', () => {
    assert.equal(mentionText(`<p>${mention(bot, 'dig')} ${mention('https://other.example/@bob', 'bob')} example.com</p>`, [bot]), '@bob example.com');
  });

  it('turns paragraphs and line breaks into newlines', () => {
    assert.equal(mentionText(`<p>${mention(bot, 'dig')} example.com<br />MX</p><p>thanks</p>`, [bot]), 'example.com\nMX\n\nthanks');
  });

  it('keeps the full URL of a link that Mastodon shortens for display', () => {
    const link =
      '<a href="https://www.example.org/a/very/long/path" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://www.</span><span class="ellipsis">example.org/a/very/lo</span><span class="invisible">ng/path</span></a>';
    assert.equal(mentionText(`<p>${mention(bot, 'dig')} ${link}</p>`, [bot]), 'https://www.example.org/a/very/long/path');
  });

  it('decodes entities and keeps hashtags as text', () => {
    const tag = '<a href="https://bots.example/tags/dns" class="mention hashtag" rel="tag">#<span>dns</span></a>';
    assert.equal(mentionText(`<p>${mention(bot, 'dig')} caf&#233;.example &amp; ${tag}</p>`, [bot]), 'café.example & #dns');
  });

  it('recognises the bot by any of its URLs (Pleroma links the ActivityPub id)', () => {
    const apId = 'https://bots.example/users/dig';
    assert.equal(mentionText(`<p>${mention(apId, 'dig')} example.com</p>`, [bot, apId]), 'example.com');
  });

  it('reads markup it does not know as text and never runs it', () => {
    assert.equal(mentionText(`<p>${mention(bot, 'dig')} <script>alert(1)</script>example.com</p>`, [bot]), 'alert(1)example.com');
  });
});
