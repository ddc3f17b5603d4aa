/**
 * How the server reads the text of a post. Mastodon, and the servers that
 * honour `content_type: text/plain`, take it as plain text: lines stay lines
 * and nothing but URLs with a scheme, mentions and hashtags is marked up.
 * Hollo reads every post as Markdown (markdown-it with fuzzy links), so a
 * reply there must be written so that it renders as the same plain text:
 * every character Markdown would act on escaped, every line ended with a
 * hard break. Misskey and its forks read MFM, where `<plain>` turns off all
 * syntax. The data was made inert to mentions and hashtags before (safe-text);
 * markup only keeps the server from reading it as formatting or links.
 */
export type ReplyMarkup = 'plain' | 'markdown' | 'mfm';

export const replyMarkups: readonly ReplyMarkup[] = ['plain', 'markdown', 'mfm'];

export interface MarkupWriter {
  /** The MIME type asked for with `content_type`, where the server honours one. */
  readonly contentType: string;
  /** One line of the reply, written so that the server shows it literally. */
  line(text: string): string;
  /** What goes between two lines so that they stay two lines. */
  readonly lineBreak: string;
}

const plain: MarkupWriter = { contentType: 'text/plain', line: (text) => text, lineBreak: '\n' };

// Everything CommonMark (and markdown-it's strikethrough and tables) reads inline; `.`, because markdown-it's fuzzy
// linkify turns a bare `example.com` into a link and an escaped dot is a token of its own that it does not join; and
// `@` and `#`, because Fedify's mention and hashtag plugins take them even after a letter (`a#tag`), where Mastodon,
// whose rule safe-text follows, does not.
const markdownInline = /[\\`*_[\]<>&~|.@#]|:(?=\/)/g;
// Block syntax that can start a line inside a paragraph (headings, quotes, lists, thematic breaks, setext underlines).
const markdownLineStart = /^(\s*)(?:([#>+=-])|(\d+)\))/;

const markdown: MarkupWriter = {
  contentType: 'text/markdown',
  line: (text) =>
    text
      .replace(markdownInline, '\\$&')
      .replace(markdownLineStart, (_, space: string, sign?: string, digits?: string) => (sign ? `${space}\\${sign}` : `${space}${digits}\\)`)),
  // A backslash before the newline is a hard line break: <br>, where a bare newline would join the lines.
  lineBreak: '\\\n',
};

// MFM has no escapes, and more syntax than it seems: `:85a3:` in an IPv6 address is an emoji code, `@8.8.8.8` a
// mention, a line ending in "search" a search box. <plain> shows its content as it is; its own closing tag is the one
// thing it cannot hold. And the HTML a server makes of MFM need not escape it: Sharkey 2023.12 (happy-dom 10) writes a
// text node's < and > as they are, so `<a href=…>` in a TXT record became a link in the HTML of its Mastodon API and
// of ActivityPub. The data's angle brackets are written as their fullwidth look-alikes, which no HTML reads as a tag.
const mfm: MarkupWriter = {
  contentType: 'text/x.misskeymarkdown',
  line: (text) => (text ? `<plain>${text.replace(/</g, '＜').replace(/>/g, '＞')}</plain>` : text),
  lineBreak: '\n',
};

export function markupWriter(markup: ReplyMarkup): MarkupWriter {
  return { plain, markdown, mfm }[markup];
}
