/**
 * Makes untrusted text (anything that came from DNS or BGP data) safe to put
 * into a post: it must never mention or tag anyone, never reorder the text
 * around it, and never hide characters. It still reads the same.
 */

// Controls, every format character (bidi embeddings, overrides, isolates and marks, zero-width characters,
// invisible operators, tags; the emoji joiner too, as safety comes first), line and paragraph separators,
// lone surrogates, and the fillers and blanks that render as nothing.
const hidden = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029\u115f\u1160\u17b4\u17b5\u3164\uffa0]/gu;
// An @ or # (Mastodon's HASHTAG_RE also takes the fullwidth ＃) before a word character could start a mention
// or a hashtag, unless a letter or decimal digit comes before it: Mastodon's MENTION_RE and HASHTAG_RE skip
// those (and more), but not other numbers like ² or ½, nor marks or _ before a #.
const mentionOrTag = /(?<![\p{L}\p{Nd}])([@#＃])(?=[\p{L}\p{M}\p{N}\p{Pc}])/gu;
// Look-alikes that no server reads as a mention or hashtag: FULLWIDTH COMMERCIAL AT and MUSIC SHARP SIGN.
const lookAlike: Record<string, string> = { '@': '\uff20', '#': '\u266f', '＃': '\u266f' };

export function neutraliseText(text: string): string {
  return text
    .replace(/\t/g, ' ')
    .replace(hidden, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .replace(mentionOrTag, (sign) => lookAlike[sign]);
}
