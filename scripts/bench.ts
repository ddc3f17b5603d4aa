/**
 * `npm run bench`: every benchmark, one after the other so they do not share
 * the two cores — the BGP routing table against longest-prefix-match, the
 * whole path from mention to reply, then watches on SQLite and on one
 * PostgreSQL with two replicas — with each one's JSON in
 * bench-results/. Options go to one of them by prefix: `npm run bench -- --bot-mentions 2000
 * --bgp-lookups 500000` passes `--mentions 2000` to the bot's and `--lookups 500000` to the BGP one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prefixedOptions } from './bench/options.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}/bench-results`, { recursive: true });
const extra = process.argv.slice(2);

let failed = false;
for (const [name, script] of [
  ['bgp', 'scripts/bench-bgp.ts'],
  ['bot', 'scripts/bench-bot.ts'],
  ['watch', 'scripts/bench-watch.ts'],
  ['watch2', 'scripts/bench-watch.ts'],
] as const) {
  process.stderr.write(`\n== ${script}\n`);
  const replicas = name === 'watch2' ? ['--replicas', '2'] : [];
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--json', `bench-results/${name}.json`, ...replicas, ...prefixedOptions(name, extra)], {
    cwd: root,
    stdio: 'inherit',
  });
  failed ||= run.status !== 0;
}
process.exitCode = failed ? 1 : 0;
