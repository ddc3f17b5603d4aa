/**
 * StatusLengthValidator (app/validators/status_length_validator.rb): every
 * URL counts 23 characters, a mention counts as `@username` without its
 * domain, and characters are grapheme clusters.
 */
import { extractUrlsAndMentions } from './text-entities.ts';

export const URL_PLACEHOLDER_CHARS = 23;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function countableLength(text: string, spoilerText = ''): number {
  return [...graphemes.segment(spoilerText + countableText(text))].length;
}

function countableText(text: string): string {
  let result = '';
  let last = 0;
  for (const entity of extractUrlsAndMentions(text)) {
    const replacement = entity.kind === 'url' ? 'x'.repeat(URL_PLACEHOLDER_CHARS) : `@${entity.value.split('@')[0]}`;
    result += text.slice(last, entity.start) + replacement;
    last = entity.end;
  }
  return result + text.slice(last);
}
