/**
 * The compiled build that `npm start` runs: `npm run build` compiles bot/ and lib/ into dist/, the
 * compiled lookup CLI answers as the source does, and scripts/ensure-build.mjs rebuilds only when a
 * source is newer. All in a copy of the checkout (its node_modules linked), so that the real dist/,
 * which the pm2 suite builds and runs, is never rewritten under a running bot.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { repoRoot } from '../testkit/bot/bot-process.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';

const run = promisify(execFile);
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOTENV_CONFIG_PATH: '/dev/null' };

describe('the compiled build', { timeout: 180_000 }, () => {
  const folder = temporaryFolder('fedidig-build-');
  const checkout = () => join(folder(), 'checkout');
  const ensureBuild = () => run(process.execPath, ['scripts/ensure-build.mjs'], { cwd: checkout(), env });
  const lookupHelp = async () => (await run(process.execPath, ['dist/bot/lookup.js', 'help'], { cwd: checkout(), env })).stdout;
  const mtime = (path: string) => statSync(join(checkout(), path)).mtimeMs;

  it('npm run build compiles bot/ and lib/ only, and the compiled lookup answers as the source does', async () => {
    for (const path of ['bot', 'lib', 'scripts/ensure-build.mjs', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
      cpSync(join(repoRoot, path), join(checkout(), path), { recursive: true });
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(checkout(), 'node_modules'));
    await run('npm', ['run', 'build'], { cwd: checkout(), env });
    assert.deepEqual(readdirSync(join(checkout(), 'dist')).sort(), ['bot', 'lib']);
    for (const entry of ['supervisor.js', 'worker.js', 'lookup.js', 'config.js']) assert.ok(statSync(join(checkout(), 'dist', 'bot', entry)).isFile());
    const compiled = await lookupHelp();
    assert.match(compiled, /^I look things up in the DNS and in BGP\. Mention me with:\n/);
    const { stdout: source } = await run(process.execPath, ['--import', 'tsx', 'bot/lookup.ts', 'help'], { cwd: repoRoot, env });
    assert.equal(compiled, source);
  });

  it('the compiled lookup builds a table and a VRP set in their build processes, from dist/', async () => {
    // A public prefix: the documentation ranges of the fixtures are answered without the table.
    writeFileSync(join(folder(), 'prefix2as.txt'), '193.0.0.0\t21\t3333\n');
    writeFileSync(join(folder(), 'vrps.csv'), 'ASN,IP Prefix,Max Length,Trust Anchor\nAS3333,193.0.0.0/21,21,ripe\n');
    const { stdout } = await run(process.execPath, ['dist/bot/lookup.js', 'bgp', '193.0.0.1'], {
      cwd: checkout(),
      env: { ...env, DNS_UPSTREAM: '127.0.0.1:9', BGP_SOURCE: `table:${join(folder(), 'prefix2as.txt')}`, BGP_RPKI: join(folder(), 'vrps.csv') },
    });
    assert.match(stdout, /193\.0\.0\.0\/21/);
    assert.match(stdout, /AS3333/);
    assert.match(stdout, /RPKI ✅ valid for AS3333/);
  });

  it('ensure-build leaves an up-to-date dist/ alone and rebuilds it when a source is newer', async () => {
    const before = mtime('dist/bot/lookup.js');
    const { stderr: upToDate } = await ensureBuild();
    assert.match(upToDate, /dist\/ is up to date/);
    assert.equal(mtime('dist/bot/lookup.js'), before);

    const helpText = join(checkout(), 'lib/engine/answer/help-text.ts');
    writeFileSync(helpText, readFileSync(helpText, 'utf8').replace('Mention me with:', 'Mention me, rebuilt, with:'));
    const { stderr: rebuilt } = await ensureBuild();
    assert.match(rebuilt, /lib\/engine\/answer\/help-text\.ts is newer than dist\/: building/);
    assert.match(await lookupHelp(), /^I look things up in the DNS and in BGP\. Mention me, rebuilt, with:\n/);
    assert.match((await ensureBuild()).stderr, /dist\/ is up to date/);
  });
});
