/**
 * The length of a status as Mastodon counts it, erring on the long side: a
 * link counts 23 characters whatever its length (StatusLengthValidator), so
 * a link counts here as the larger of 23 and its own length; everything else
 * counts one per code point (never fewer than Mastodon's grapheme clusters).
 */
export const URL_LENGTH = 23;
const link = /https?:\/\/\S+/giu;

export function postLength(text: string): number {
  let length = 0;
  let rest = 0;
  for (const match of text.matchAll(link)) {
    length += countCodePoints(text.slice(rest, match.index)) + Math.max(URL_LENGTH, countCodePoints(match[0]));
    rest = match.index! + match[0].length;
  }
  return length + countCodePoints(text.slice(rest));
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
