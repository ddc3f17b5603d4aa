/**
 * The order of prefix rows by (network, length), as the prefix index wants
 * its routes: a least-significant-digit radix sort on 16-bit digits, the
 * length first, then the network's words from the last. Typed arrays only,
 * linear time, stable; digits that are the same in every row (the low words
 * of most IPv6 networks) cost one counting pass and no move. A table that
 * came sorted (as RIB dumps are, walking their tree) is seen in one pass.
 */

const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;

/** Row numbers `0 .. count` in order of (nets[row * wordsPerNet ..], lengths[row]). */
export function prefixOrder(nets: Uint32Array, wordsPerNet: number, lengths: Uint8Array, count: number): Uint32Array {
  let order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (isSorted(nets, wordsPerNet, lengths, count)) return order;
  let spare = new Uint32Array(count);
  const counts = new Uint32Array(BUCKETS);
  const pass = (digit: (row: number) => number): void => {
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[digit(i)]!++;
    if (counts[digit(0)] === count) return; // one digit for all: nothing moves
    let total = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const n = counts[d]!;
      counts[d] = total;
      total += n;
    }
    for (let i = 0; i < count; i++) {
      const row = order[i]!;
      spare[counts[digit(row)]!++] = row;
    }
    [order, spare] = [spare, order];
  };
  pass((row) => lengths[row]!);
  for (let k = wordsPerNet - 1; k >= 0; k--) {
    pass((row) => nets[row * wordsPerNet + k]! & 0xffff);
    pass((row) => nets[row * wordsPerNet + k]! >>> 16);
  }
  return order;
}

function isSorted(nets: Uint32Array, wordsPerNet: number, lengths: Uint8Array, count: number): boolean {
  for (let row = 1; row < count; row++) {
    let difference = 0;
    for (let k = 0; k < wordsPerNet && difference === 0; k++) difference = nets[(row - 1) * wordsPerNet + k]! - nets[row * wordsPerNet + k]!;
    if (difference === 0) difference = lengths[row - 1]! - lengths[row]!;
    if (difference > 0) return false;
  }
  return true;
}
