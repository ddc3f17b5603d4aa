/**
 * scripts/fedidig-functions.sh against the running bot. madonctl itself is a Go
 * program not packaged in Debian; test/testkit/bot/madonctl/madonctl stands in for
 * the two calls the functions make, speaking to the loopback instance.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { repoRoot, startBotWorld, startSupervisor, type BotProcess, type BotWorld } from '../testkit/bot/bot-process.ts';

const run = promisify(execFile);

describe('dnsfediverse and whichasn (scripts/fedidig-functions.sh)', { timeout: 90_000 }, () => {
  let world: BotWorld;
  let bot: BotProcess;
  before(async () => {
    world = await startBotWorld();
    bot = startSupervisor(world.env());
    await world.instance.waitFor(() => world.instance.streamSubscriptions(world.bot.acct).length > 0, 30_000);
  });
  after(async () => {
    await bot.stop();
    await world.close();
  });
  const shell = (command: string) =>
    run('bash', ['-c', `. scripts/fedidig-functions.sh && ${command}`], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PATH: `${repoRoot}/test/testkit/bot/madonctl:${process.env.PATH}`,
        MADONCTL_INSTANCE: world.instance.url,
        MADONCTL_TOKEN: world.alice.token,
        FEDIDIG_BOT: '@dig',
        FEDIDIG_WAIT: '20',
      },
    });

  it('asks a DNS question by direct message and prints the answer as text', async () => {
    const { stdout } = await shell('dnsfediverse example.test MX');
    assert.match(stdout, /^@alice 🔎 example\.test MX$/m);
    assert.match(stdout, /^example\.test\. 3600 MX 10 mail\.example\.test\.$/m);
    const [question] = world.instance.statusesBy('alice');
    assert.equal(question.visibility, 'direct');
  });

  it('asks which network announces an address', async () => {
    const { stdout } = await shell('whichasn 8.8.8.8');
    assert.match(stdout, /^8\.8\.8\.0\/24 announced by AS15169 GOOGLE - Google LLC, US$/m);
  });

  it('says how to call them', async () => {
    await assert.rejects(shell('whichasn'), (error: { code: number; stderr: string }) => error.code === 2 && /usage: whichasn/.test(error.stderr));
  });
});
