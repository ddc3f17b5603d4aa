/**
 * Makes untrusted text (anything that came from DNS or BGP data) safe to put
 * into a post: it must never mention or tag anyone, never reorder the text
 * around it, and never hide characters. It still reads the same.
 */

// C0/C1 controls, bidi embeddings/overrides/isolates and marks, zero-width and other invisible format characters.
const hidden = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/gu;
// An @ or # (Mastodon's HASHTAG_RE also takes the fullwidth ＃) before a word character could start a mention or a hashtag.
const mentionOrTag = /(?<![\p{L}\p{N}])([@#＃])(?=[\p{L}\p{M}\p{N}\p{Pc}])/gu;
// Look-alikes that no server reads as a mention or hashtag: FULLWIDTH COMMERCIAL AT and MUSIC SHARP SIGN.
const lookAlike: Record<string, string> = { '@': '\uff20', '#': '\u266f', '＃': '\u266f' };

export function neutraliseText(text: string): string {
  return text
    .replace(hidden, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .replace(/\t/g, ' ')
    .replace(mentionOrTag, (sign) => lookAlike[sign]);
}
