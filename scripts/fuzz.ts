/**
 * `npm run fuzz -- [--runs N] [--wire-runs N] [--seed S] [--only ID,ID] [--list] [--help]`
 *
 * The whole-path properties of test/mentions/whole-path.test.ts (defined once in
 * test/testkit/fuzz/fuzz-properties.ts) with many more runs: mention HTML and DNS
 * data from a hostile world, through the real responder, engine and splitter,
 * judged by the test Mastodon instance's own counting and extraction. Prints
 * the seed, and each failing property's shrunk counterexample with the seed
 * and path that replay it; exits 1 when a property fails.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fuzzProperties, startWireEnvironment, type FuzzProperty } from '../test/testkit/fuzz/fuzz-properties.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    'wire-runs': { type: 'string', default: '500' },
    seed: { type: 'string' },
    only: { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    [
      'npm run fuzz -- [--runs N] [--wire-runs N] [--seed S] [--only ID,ID] [--list]',
      '  --runs N       runs of each in-process property (default 100000)',
      '  --wire-runs N  runs of each property through the loopback DNS server (default 500)',
      '  --seed=S       replay a run: the seed a failure printed (= for a negative one)',
      '  --only IDS     these properties only (--list names them)',
    ].join('\n'),
  );
  process.exit(0);
}

if (values.list) {
  for (const p of fuzzProperties) console.log(`${p.id.padEnd(36)} ${p.title}`);
  process.exit(0);
}

const whole = (name: string, text: string | undefined, fallback: number) => {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number (got “${text}”)`);
  return value;
};
const runs = whole('runs', values.runs, 100_000);
const wireRuns = whole('wire-runs', values['wire-runs'], 500);
const seed = values.seed === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(values.seed);
if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer (got “${values.seed}”)`);
const only = values.only
  ?.split(',')
  .map((id) => id.trim())
  .filter(Boolean);
const chosen: readonly FuzzProperty[] = only
  ? only.map((id) => {
      const found = fuzzProperties.find((p) => p.id === id);
      if (!found) throw new Error(`no property ${id}; --list shows them`);
      return found;
    })
  : fuzzProperties;

console.log(`fuzz: seed ${seed}, ${runs} runs in-process, ${wireRuns} through the loopback DNS server`);
const wire = chosen.some((p) => p.wire) ? await startWireEnvironment() : undefined;
const failed: string[] = [];
try {
  for (const p of chosen) {
    const numRuns = p.wire ? wireRuns : runs;
    const started = performance.now();
    const details = await p.check({ wire }, { numRuns, seed });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (!details.failed) {
      console.log(`ok    ${p.id} (${details.numRuns} runs, ${seconds} s)`);
      continue;
    }
    failed.push(p.id);
    console.log(`FAIL  ${p.id} (after ${details.numRuns} runs, ${details.numShrinks} shrinks, ${seconds} s): ${p.title}`);
    console.log(`      replay: npm run fuzz -- --only ${p.id} --seed=${details.seed} (fast-check path “${details.counterexamplePath}”)`);
    console.log(`      counterexample: ${details.counterexample}`);
    const { error } = details;
    console.log(`      error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
} finally {
  await wire?.close();
}
console.log(
  failed.length
    ? `${failed.length} of ${chosen.length} properties failed: ${failed.join(', ')} (seed ${seed})`
    : `all ${chosen.length} properties hold (seed ${seed})`,
);
process.exitCode = failed.length ? 1 : 0;
