/**
 * `npm start` (and ecosystem.config.js) run this before the compiled bot: it builds dist/ with tsc
 * (tsconfig.build.json, as `npm run build` does) when dist/ lacks the output of a source file, or when
 * a file in bot/ or lib/ or a tsconfig is newer than the oldest output; otherwise it does nothing.
 * Plain JavaScript, so that it runs with node alone. Exits non-zero, saying why, when the build fails.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The checkout this script belongs to, wherever it is run from.
const root = fileURLToPath(new URL('..', import.meta.url));
const say = (message) => process.stderr.write(`ensure-build: ${message}\n`);

/** Every file below `folder`, as paths relative to the checkout. */
function filesBelow(folder) {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)));
}

function mtimeMs(path) {
  try {
    return statSync(join(root, path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Why dist/ must be built, or undefined when it is up to date. */
function staleness() {
  const sources = [...filesBelow('bot'), ...filesBelow('lib'), 'tsconfig.json', 'tsconfig.build.json'];
  const outputs = sources.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts')).map((path) => join('dist', path.replace(/\.ts$/, '.js')));
  let oldestOutput = Number.POSITIVE_INFINITY;
  for (const output of outputs) {
    const mtime = mtimeMs(output);
    if (mtime === undefined) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, mtime);
  }
  const newer = sources.find((path) => (mtimeMs(path) ?? 0) > oldestOutput);
  return newer === undefined ? undefined : `${newer} is newer than dist/`;
}

const reason = staleness();
if (reason === undefined) {
  say('dist/ is up to date');
  process.exit(0);
}

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  say(`${reason}, and TypeScript is not installed (a devDependency: run \`npm ci\` without --omit=dev, then \`npm run build\`)`);
  process.exit(1);
}
say(`${reason}: building (tsc -p tsconfig.build.json)`);
const started = Date.now();
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
} catch {
  say('the build failed; dist/ was not updated (see the errors above)');
  process.exit(1);
}
say(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
