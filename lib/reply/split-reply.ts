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

/** The lines as the post carries them. */
function written(writer: MarkupWriter, lines: readonly ReplyLine[]): string {
  return lines.map((line) => writer.line(line.text)).join(writer.lineBreak);
}

// A line is cut to fill the rest of a post only when that rest is worth it; shorter lines move to the next post whole.
const MIN_CUT = 40;
// Less room than this for the answer in each post is no answer.
const MIN_BUDGET = 20;

/** Packs lines into posts of `budget` characters as the server counts the written text. */
class Packer {
  constructor(
    private readonly writer: MarkupWriter,
    private readonly budget: number,
  ) {}

  pack(lines: readonly ReplyLine[], maxParts: number): ReplyLine[][] {
    const queue = [...lines];
    const parts: ReplyLine[][] = [];
    let current: ReplyLine[] = [];
    while (queue.length) {
      const line = queue.shift()!;
      const room = this.budget - (current.length ? this.length(current) + postLength(this.writer.lineBreak) : 0);
      if (this.length([line]) <= room) {
        current.push(line);
        continue;
      }
      if (room >= MIN_CUT || current.length === 0) {
        const [head, tail] = this.cut(line.text, room);
        current.push({ text: head, record: line.record });
        queue.unshift({ text: neutraliseText(tail) });
      } else queue.unshift(line);
      parts.push(current);
      current = [];
      if (parts.length === maxParts) return this.withTrailer(parts, queue);
    }
    if (current.length) parts.push(current);
    return parts;
  }

  /** Too long for maxParts posts: the last post ends with a count of what was left out. */
  private withTrailer(parts: ReplyLine[][], hidden: ReplyLine[]): ReplyLine[][] {
    const last = parts[parts.length - 1];
    const trailer = () => {
      const records = hidden.filter((line) => line.record).length;
      return { text: records ? moreLine(records) : '… (the rest is cut: too long)' };
    };
    while (last.length > 1 && this.length([...last, trailer()]) > this.budget) hidden.unshift(last.pop()!);
    if (this.length([...last, trailer()]) > this.budget) {
      // A single line fills the post: shorten it to leave room for the trailer.
      const [head] = this.cut(last[0].text, this.budget - this.length([trailer()]) - postLength(this.writer.lineBreak));
      last[0] = { ...last[0], text: head };
    }
    last.push(trailer());
    return parts;
  }

  private length(lines: readonly ReplyLine[]): number {
    return postLength(written(this.writer, lines));
  }

  /**
   * The longest head of `text` that fits `room` once written, cut between
   * grapheme clusters, and the tail. A binary search over the text keeps a
   * 64 kB TXT record from costing seconds; only a short window around the cut
   * is segmented, as segmenting a long text whole costs memory in proportion
   * to its square. A cut can leave an `@` or `#` at the start of a piece, or
   * cut a word after one: both pieces are neutralised again (which leaves
   * neutral text alone).
   */
  private cut(text: string, room: number): [string, string] {
    const fits = (end: number) => postLength(this.writer.line(neutraliseText(text.slice(0, end)))) <= room;
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fits(middle)) low = middle;
      else high = middle - 1;
    }
    const at = Math.max(graphemeBoundaryAtOrBefore(text, low), Math.min(text.length, firstGraphemeEnd(text)));
    return [neutraliseText(text.slice(0, at)), text.slice(at)];
  }
}

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

/** A piece has at least one grapheme, so that splitting always moves on. */
function firstGraphemeEnd(text: string): number {
  const [first] = segmenter.segment(text.slice(0, WINDOW));
  return first ? first.segment.length : text.length;
}
