import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Uint32PairMap } from '../../lib/bgp/table/uint32-pair-map.ts';
import { seededRandom } from '../testkit/seeded-random.ts';

describe('Uint32PairMap', () => {
  it('answers as a Map keyed by both integers does, through many growths', () => {
    const random = seededRandom(19);
    const map = new Uint32PairMap();
    const expected = new Map<string, number>();
    // Keys from small ranges, so that sets often replace a value, and from the whole range, as ASNs are.
    const key = (): [number, number] =>
      random() < 0.5 ? [Math.floor(random() * 3000), Math.floor(random() * 3)] : [Math.floor(random() * 2 ** 32), Math.floor(random() * 2 ** 32)];
    for (let i = 0; i < 50_000; i++) {
      const [a, b] = key();
      if (random() < 0.6) {
        const value = Math.floor(random() * (2 ** 32 - 1));
        map.set(a, b, value);
        expected.set(`${a},${b}`, value);
      } else assert.equal(map.get(a, b), expected.get(`${a},${b}`) ?? -1, `get(${a}, ${b})`);
    }
    assert.equal(map.size, expected.size);
    for (const [pair, value] of expected) {
      const [a, b] = pair.split(',').map(Number) as [number, number];
      assert.equal(map.get(a, b), value);
    }
  });

  it('tells the pair (a, b) from (b, a), keeps 0 and the largest value, and forgets all at clear', () => {
    const map = new Uint32PairMap();
    map.set(1, 2, 0);
    map.set(2, 1, 2 ** 32 - 2);
    map.set(0, 0, 7);
    assert.deepEqual([map.get(1, 2), map.get(2, 1), map.get(0, 0), map.get(0, 1)], [0, 2 ** 32 - 2, 7, -1]);
    map.clear();
    assert.deepEqual([map.get(1, 2), map.get(2, 1), map.get(0, 0), map.size], [-1, -1, -1, 0]);
  });
});
