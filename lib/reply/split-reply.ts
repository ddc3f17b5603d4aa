import { postLength } from './post-length.ts';
import { markupWriter, type MarkupWriter, type ReplyMarkup } from './markup.ts';
import { neutraliseText } from './safe-text.ts';

/** One line of a reply; `record` lines are the ones counted in "N more records not shown". */
export interface ReplyLine {
  readonly text: string;
  readonly record?: boolean;
}

export interface ReplyLayout {
  /** The instance's `max_characters`. */
  readonly maxCharacters: number;
  /** How many posts one answer may take. */
  readonly maxParts: number;
  /** The asker's `@user@domain`, put in front of every part; empty for the CLI. */
  readonly mention?: string;
  /** How the server reads a post; default plain text. */
  readonly markup?: ReplyMarkup;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Splits the lines of an answer into posts that each fit `maxCharacters`
 * (with the mention in front and a `(1/3)` counter at the end), at most
 * `maxParts` of them; the records that do not fit are counted in a last line.
 * Posts are cut between lines, so that every record a post shows is whole: a
 * line that does not fit the rest of a post starts the next one. Only a line
 * longer than a whole post is cut, to fill posts, and the cut is marked where
 * a reader sees it: the head ends with ` ↩` and the rest goes on after `↪ `
 * at the start of the next post, so that no piece passes for a whole record.
 */
export function splitReply(lines: readonly ReplyLine[], layout: ReplyLayout): string[] {
  const prefix = layout.mention ? `${layout.mention} ` : '';
  // The mention counts in full, unless that leaves too little room: Mastodon itself counts only `@user`.
  const prefixLength = layout.maxCharacters - postLength(prefix) >= MIN_BUDGET * 2 ? postLength(prefix) : postLength(prefix.replace(/^(@[^@\s]+)@\S+/, '$1'));
  const writer = markupWriter(layout.markup ?? 'plain');
  const text = written(writer, lines);
  if (prefixLength + postLength(text) <= layout.maxCharacters) return [prefix + text];
  const counterRoom = postLength(`${writer.lineBreak}(${layout.maxParts}/${layout.maxParts})`);
  const budget = layout.maxCharacters - prefixLength - counterRoom;
  if (budget < MIN_BUDGET) throw new RangeError(`max_characters ${layout.maxCharacters} leaves no room for an answer`);
  const parts = new Packer(writer, budget).pack(lines, layout.maxParts);
  return parts.map((part, i) => `${prefix}${written(writer, part)}${writer.lineBreak}(${i + 1}/${parts.length})`);
}

/** A line as a post carries it: whole, or a piece of a line that alone is longer than a post. */
interface Piece extends ReplyLine {
  /** The rest of a line cut at the end of the post before. */
  readonly continued?: boolean;
  /** Cut at its end: the rest is in the next post, or left out and told by the trailer. */
  readonly cut?: boolean;
}

// The marks at a cut: written with the text, so they count in the budget like it, in every markup.
const CUT_MARK = ' ↩';
const CONTINUED_MARK = '↪ ';

/** The lines as the post carries them. */
function written(writer: MarkupWriter, pieces: readonly Piece[]): string {
  return pieces.map((piece) => writer.line(`${piece.continued ? CONTINUED_MARK : ''}${piece.text}${piece.cut ? CUT_MARK : ''}`)).join(writer.lineBreak);
}

// A line longer than a post is cut anyway, so it fills the rest of the post it starts in, if this much of it fits there.
const MIN_CUT = 40;
// Less room than this for the answer in each post is no answer.
const MIN_BUDGET = 20;

/** Packs lines into posts of `budget` characters as the server counts the written text. */
class Packer {
  constructor(
    private readonly writer: MarkupWriter,
    private readonly budget: number,
  ) {}

  pack(lines: readonly ReplyLine[], maxParts: number): Piece[][] {
    const queue: Piece[] = [...lines];
    const parts: Piece[][] = [];
    let current: Piece[] = [];
    while (queue.length) {
      const piece = queue.shift()!;
      if (this.fits([...current, piece])) {
        current.push(piece);
        continue;
      }
      const at = this.fits([piece]) ? 0 : this.cutToFill(current, piece, []);
      if (at > 0 || current.length === 0) {
        // A piece always takes a grapheme, so that splitting moves on even when not one fits a post.
        const [head, rest] = this.cut(piece, at || firstGraphemeEnd(piece.text));
        current.push(head);
        queue.unshift(rest);
      } else queue.unshift(piece);
      parts.push(current);
      current = [];
      if (parts.length === maxParts) return this.withTrailer(parts, queue);
    }
    if (current.length) parts.push(current);
    return parts;
  }

  /**
   * Too long for maxParts posts: the last post ends with a count of what was
   * left out. Whole lines make room for it; a line already cut, or alone in
   * the post, is cut shorter instead. The rest of a cut line is not counted:
   * its head is shown, and marked as cut.
   */
  private withTrailer(parts: Piece[][], hidden: Piece[]): Piece[][] {
    const last = parts[parts.length - 1];
    const trailer = (): Piece => {
      const records = hidden.filter((line) => line.record).length;
      return { text: records ? moreLine(records) : '… (the rest is cut: too long)' };
    };
    while (last.length && !this.fits([...last, trailer()])) {
      const line = last.pop()!;
      const at = line.cut || line.continued || last.length === 0 ? this.cutToFill(last, line, [trailer()]) : 0;
      if (at > 0) {
        last.push(headOf(line, at));
        break;
      }
      hidden.unshift(line);
    }
    last.push(trailer());
    return parts;
  }

  private fits(pieces: readonly Piece[]): boolean {
    return postLength(written(this.writer, pieces)) <= this.budget;
  }

  /**
   * Where to cut `piece` for the longest head that fits a post between
   * `before` and `after`, between grapheme clusters; 0 when that head is too
   * short to be worth a cut, unless the head would be alone in its post.
   * A binary search over the text keeps a 64 kB TXT record from costing
   * seconds; only a short window around the cut is segmented, as segmenting a
   * long text whole costs memory in proportion to its square. A probe between
   * the halves of a surrogate pair measures the head without the lone half,
   * which would be written as 8 characters ([U+D83D]) and stop the search
   * short of the longest head.
   */
  private cutToFill(before: readonly Piece[], piece: Piece, after: readonly Piece[]): number {
    const { text } = piece;
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const end = isLowSurrogate(text.charCodeAt(middle)) && isHighSurrogate(text.charCodeAt(middle - 1)) ? middle - 1 : middle;
      if (this.fits([...before, headOf(piece, end), ...after])) low = middle;
      else high = middle - 1;
    }
    const at = graphemeBoundaryAtOrBefore(text, low);
    return at >= MIN_CUT || before.length === 0 ? at : 0;
  }

  /**
   * A cut can leave an `@` or `#` at the start of a piece, or cut a word
   * after one: both pieces are neutralised again (which leaves neutral text
   * alone). The rest is no record of its own: the record is shown in part.
   */
  private cut(piece: Piece, at: number): [Piece, Piece] {
    return [headOf(piece, at), { text: neutraliseText(piece.text.slice(at)), continued: true }];
  }
}

function headOf(piece: Piece, end: number): Piece {
  return { ...piece, text: neutraliseText(piece.text.slice(0, end)), cut: true };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

function moreLine(records: number): string {
  return `… ${records} more record${records === 1 ? '' : 's'} not shown`;
}

const WINDOW = 64;

function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  const from = Math.max(0, index - WINDOW);
  let boundary = from;
  for (const { index: start } of segmenter.segment(text.slice(from, Math.min(text.length, index + WINDOW)))) {
    if (from + start > index) break;
    boundary = from + start;
  }
  return index === text.length ? index : boundary;
}

function firstGraphemeEnd(text: string): number {
  const [first] = segmenter.segment(text.slice(0, WINDOW));
  return first ? first.segment.length : text.length;
}
