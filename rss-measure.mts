// Worker RSS, tsx-run vs compiled: node --import tsx /tmp/rssmeasure/rss.ts tsx|compiled [mentions]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot, startBotWorld } from '/work/main/test/support/bot-process.ts';

const mode = process.argv[2] === 'compiled' ? 'compiled' : 'tsx';
const mentions = Number(process.argv[3] ?? 500);
const status = (pid: number, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const world = await startBotWorld({ rateLimit: { limit: 1e9 }, pingIntervalMs: 500 });
const env = world.env({ RATE_LIMIT: '1000000/60s', GLOBAL_RATE_LIMIT: '1000000/1s', STREAM_SILENCE_MS: '10000', HEARTBEAT_TIMEOUT_MS: '30000', ...(process.env.EXTRA ? { NODE_OPTIONS: process.env.EXTRA } : {}) });
const args = mode === 'compiled' ? ['dist/bot/supervisor.js'] : ['--import', 'tsx', 'bot/supervisor.ts'];
const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stdout!.on('data', (c) => (output += c));
child.stderr!.on('data', (c) => (output += c));
const askers = Array.from({ length: 20 }, (_, i) => world.instance.createAccount(`asker${i}`));
const texts = ['example.test', 'example.test MX', 'example.test TXT', 'www.example.test', '192.0.2.1', 'bgp 8.8.8.8', 'café.example.test', 'nothing.example.test', 'long.example.test TXT'];
try {
  const started = Date.now();
  await world.instance.waitFor(() => world.instance.openStreams(world.bot.acct) > 0, 30_000);
  const signedIn = Date.now() - started;
  const pid = Number(/worker (\d+) started/.exec(output)![1]);
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  const warm = world.instance.post(world.alice, { status: '@dig example.test', visibility: 'public' });
  await world.instance.waitFor(() => world.instance.repliesTo(warm.id).length > 0 || undefined, 30_000);
  await sleep(3000);
  const idle: number[] = [];
  for (let i = 0; i < 10; i++) {
    idle.push(status(pid, 'VmRSS'));
    await sleep(100);
  }
  if (process.env.REPORT) process.kill(pid, 'SIGUSR2');
  const smaps = Object.fromEntries([...readFileSync(`/proc/${pid}/status`, 'utf8').matchAll(/^(RssAnon|RssFile|RssShmem):\s+(\d+) kB/gm)].map((m) => [m[1], +(Number(m[2]) / 1024).toFixed(1)]));
  const questions = [];
  for (let i = 0; i < mentions; i++) {
    const text = i % 3 === 2 ? `u${i}.example.test` : texts[i % texts.length];
    questions.push(world.instance.post(askers[i % askers.length]!, { status: `@dig ${text}`, visibility: 'public' }));
    if (i % 25 === 24) await sleep(0);
  }
  const t0 = Date.now();
  await world.instance.waitFor(() => questions.every((q) => world.instance.repliesTo(q.id).length > 0) || undefined, 300_000);
  const loadMs = Date.now() - t0;
  const afterLoad = status(pid, 'VmRSS');
  const peak = status(pid, 'VmHWM');
  await sleep(3000);
  const settled = status(pid, 'VmRSS');
  if (process.env.REPORT) { process.kill(pid, 'SIGUSR2'); await sleep(300); }
  console.log(JSON.stringify({ smaps, mode, node: process.version, cmdline, signedInMs: signedIn, idleMB: +median(idle).toFixed(1), afterLoadMB: +afterLoad.toFixed(1), afterLoad3sMB: +settled.toFixed(1), peakMB: +peak.toFixed(1), mentions, loadMs }));
} catch (e) { console.error(output.split("\n").slice(-30).join("\n")); throw e; } finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  for (const m of output.matchAll(/worker (\d+) started/g)) { try { process.kill(Number(m[1]), 'SIGKILL'); } catch {} }
  await world.close();
}
