import { Parser } from 'htmlparser2';

/**
 * The plain text of a status as its author typed it, from the HTML the
 * server renders: paragraphs and line breaks become newlines, links keep
 * their full URL (Mastodon hides the scheme and the tail in `invisible` and
 * `ellipsis` spans, which are still text), and the @mentions of the accounts
 * given are removed: the responder gives every account the status mentions,
 * so that `@name` left in the text is something the asker typed, such as
 * dig's `@SERVER`. A mention whose link is not recognised stays as `@name`
 * or `@name@domain`, which the question parser ignores.
 * Read with htmlparser2's tokenizer, in one pass: building a DOM (linkedom,
 * which parses with htmlparser2 too) cost the worker 14 MB of its 80 MB
 * budget for the four things read here (README, Benchmarks).
 */
export function mentionText(html: string, mentionedUrls: readonly string[]): string {
  let text = '';
  // Open elements; the depth at which the bot's own mention link began, while its text is being left out.
  let depth = 0;
  let skippingFrom = -1;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        depth++;
        if (skippingFrom >= 0 || name !== 'a') return;
        const classes = attributes.class ?? '';
        const isMention = /\bmention\b/.test(classes) && !/\bhashtag\b/.test(classes);
        if (isMention && mentionedUrls.some((url) => sameAccountUrl(url, attributes.href ?? ''))) skippingFrom = depth;
      },
      ontext(data) {
        if (skippingFrom < 0) text += data;
      },
      onclosetag(name) {
        if (skippingFrom === depth) skippingFrom = -1;
        depth--;
        if (skippingFrom >= 0) return;
        if (name === 'br') text += '\n';
        else if (name === 'p') text += '\n\n';
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return text
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

function sameAccountUrl(a: string, b: string): boolean {
  const normal = (url: string) => url.replace(/\/$/, '').toLowerCase();
  return normal(a) === normal(b);
}
