/**
 * Deployment as the README describes it: `pm2 start ecosystem.config.js`
 * (pm2 is a devDependency; PM2_HOME is a temporary folder so no other pm2 is touched).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { repoRoot, startBotWorld, type BotWorld } from '../testkit/bot/bot-process.ts';
import { waitFor } from '../testkit/wait-for.ts';

const run = promisify(execFile);
const pm2 = join(repoRoot, 'node_modules', '.bin', 'pm2');

interface PmApp {
  readonly name: string;
  readonly pm2_env: { status: string; restart_time: number; exit_code?: number; pm_out_log_path: string; pm_err_log_path: string };
}

describe('pm2', { timeout: 120_000 }, () => {
  let world: BotWorld;
  const pm2Home = mkdtempSync(join(tmpdir(), 'fedidig-pm2-'));
  const env = () => ({ ...process.env, ...world.env(), PM2_HOME: pm2Home });
  /** The first app pm2 lists, as `pm2 jlist` gives it. */
  const firstApp = async (): Promise<PmApp | undefined> => (JSON.parse((await run(pm2, ['jlist'], { env: env(), cwd: repoRoot })).stdout) as PmApp[])[0];
  after(async () => {
    await run(pm2, ['kill'], { env: env(), cwd: repoRoot }).catch(() => undefined);
    await world?.close();
    rmSync(pm2Home, { recursive: true, force: true });
  });

  it('starts the bot from ecosystem.config.js, answers a mention and stops it cleanly', async () => {
    world = await startBotWorld();
    await run(pm2, ['start', 'ecosystem.config.js'], { env: env(), cwd: repoRoot });
    const question = world.instance.post(world.alice, { status: '@dig example.test MX', visibility: 'direct' });
    const [reply] = await world.instance.waitFor(() => {
      const replies = world.instance.repliesTo(question.id);
      return replies.length ? replies : undefined;
    }, 30_000);
    assert.equal(reply.visibility, 'direct');
    const app = (await firstApp())!;
    assert.equal(app.name, 'fedidig');
    assert.equal(app.pm2_env.status, 'online');
    await run(pm2, ['stop', 'fedidig'], { env: env(), cwd: repoRoot });
    const log = readFileSync(app.pm2_env.pm_out_log_path, 'utf8');
    assert.match(log, /SIGINT: stopping the worker/);
    assert.match(log, /worker \d+ exited \(0\); stopped/);
    assert.equal((await firstApp())!.pm2_env.status, 'stopped');
  });

  it('leaves the bot stopped after a setup error (exit code 2), for a restart would fail the same way', async () => {
    world ??= await startBotWorld();
    await run(pm2, ['delete', 'all'], { env: env(), cwd: repoRoot }).catch(() => undefined);
    await run(pm2, ['start', 'ecosystem.config.js'], { env: { ...env(), MASTODON_URL: 'mastodon.example' }, cwd: repoRoot });
    const app = await waitFor(async () => {
      const listed = await firstApp();
      return listed && listed.pm2_env.status !== 'online' && listed.pm2_env.status !== 'launching' ? listed : undefined;
    }, 15_000);
    assert.equal(app.pm2_env.status, 'stopped');
    assert.equal(app.pm2_env.exit_code, 2);
    // pm2 shows a process it will restart as stopped too, until its restart delay is over: still so, later, is left stopped.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const still = await firstApp();
    assert.equal(still!.pm2_env.status, 'stopped');
    assert.equal(still!.pm2_env.restart_time, 0);
    assert.match(readFileSync(app.pm2_env.pm_err_log_path, 'utf8'), /fedidig: MASTODON_URL: must be the instance's address/);
  });
});
