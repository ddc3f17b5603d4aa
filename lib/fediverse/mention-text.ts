import { parseHTML } from 'linkedom';

/**
 * The plain text of a status as its author typed it, from the HTML the
 * server renders: paragraphs and line breaks become newlines, links keep
 * their full URL (Mastodon hides the scheme and the tail in `invisible` and
 * `ellipsis` spans, which are still text), and the bot's own @mention is
 * removed. Other mentions stay as `@name`, which the question parser ignores.
 */
export function mentionText(html: string, botUrls: readonly string[]): string {
  const { document } = parseHTML(`<!doctype html><html><body><div id="status">${html}</div></body></html>`);
  const root = document.getElementById('status')!;
  for (const link of [...root.querySelectorAll('a')]) {
    const href = link.getAttribute('href') ?? '';
    const isMention = /\bmention\b/.test(link.getAttribute('class') ?? '') && !/\bhashtag\b/.test(link.getAttribute('class') ?? '');
    if (isMention && botUrls.some((url) => sameAccountUrl(url, href))) link.remove();
  }
  for (const br of [...root.querySelectorAll('br')]) br.replaceWith('\n');
  for (const p of [...root.querySelectorAll('p')]) p.append('\n\n');
  return (root.textContent ?? '')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

function sameAccountUrl(a: string, b: string): boolean {
  const normal = (url: string) => url.replace(/\/$/, '').toLowerCase();
  return normal(a) === normal(b);
}
