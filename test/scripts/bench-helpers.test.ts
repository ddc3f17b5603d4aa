/** The benchmarks' shared option reading and formatting (scripts/bench/options.ts, format.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignedRows, fmt, megabytes, milliseconds, seconds, spread } from '../../scripts/bench/format.ts';
import { prefixedOptions, readOptions, UsageError } from '../../scripts/bench/options.ts';

const SPEC = {
  mentions: { type: 'count', default: 10_000, min: 2 },
  probes: { type: 'count', default: 30 },
  env: { type: 'env' },
  json: { type: 'string' },
} as const;

describe('bench options', () => {
  it('reads --name value and --name=value, with defaults and repeated --env', () => {
    assert.deepEqual(readOptions(['--mentions', '200', '--probes=5', '--env', 'DNS_CACHE_SIZE=0', '--env=MAX_IN_FLIGHT=16'], SPEC), {
      mentions: 200,
      probes: 5,
      env: { DNS_CACHE_SIZE: '0', MAX_IN_FLIGHT: '16' },
      json: undefined,
    });
    assert.deepEqual(readOptions([], SPEC), { mentions: 10_000, probes: 30, env: {}, json: undefined });
  });

  it('answers --help with undefined, and refuses what it cannot read', () => {
    assert.equal(readOptions(['--help'], SPEC), undefined);
    for (const args of [['--mentions', '1'], ['--mentions', '2.5'], ['--probes', 'x'], ['--bogus', '1'], ['stray'], ['--env', 'lower=1'], ['--mentions']]) {
      assert.throws(() => readOptions(args, SPEC), UsageError, args.join(' '));
    }
  });

  it('passes each benchmark its own options from npm run bench', () => {
    const args = ['--bot-mentions', '2000', '--bgp-lookups=500000', '--bot-env', 'A=1', '--json', 'x'];
    assert.deepEqual(prefixedOptions('bot', args), ['--mentions', '2000', '--env', 'A=1']);
    assert.deepEqual(prefixedOptions('bgp', args), ['--lookups=500000']);
  });
});

describe('bench formatting', () => {
  it('writes figures as the reports show them', () => {
    assert.equal(fmt(12345.678, 1), '12,345.7');
    assert.equal(seconds(24_912), '24.9 s');
    assert.equal(seconds(5540, 2), '5.54 s');
    assert.equal(seconds(Number.NaN), '—');
    assert.equal(milliseconds(4), '4.0');
    assert.equal(milliseconds(16_361), '16,361');
    assert.equal(megabytes(undefined), '—');
    assert.equal(megabytes(487.2), '487 MB');
  });

  it('takes percentiles by nearest rank', () => {
    assert.deepEqual(spread(Array.from({ length: 100 }, (_, i) => 100 - i)), { count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    assert.equal(spread([]), undefined);
  });

  it('aligns columns: the first to the left, the others to the right', () => {
    assert.deepEqual(
      alignedRows([
        ['', 'a', 'bb'],
        ['row', '1', '2'],
      ]),
      ['     a  bb', 'row  1   2'],
    );
  });
});
