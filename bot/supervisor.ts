/**
 * The supervisor (`npm start`, and what pm2 runs): forks the worker, watches
 * its heartbeat file and replaces it when the heartbeat goes silent or the
 * worker exits; on SIGINT/SIGTERM it lets the worker finish and exits 0.
 */
import 'dotenv/config';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heartbeatAge } from '../lib/ops/heartbeat.ts';
import { createLogger } from '../lib/ops/logger.ts';
import { readRuntimeConfig } from './config.ts';
import { configOrExit } from './config.ts';

const logger = createLogger('supervisor');
// A silent worker is hung or stopped: it gets a short grace, then SIGKILL.
const KILL_GRACE_MS = 2_000;
const STOP_GRACE_MS = 25_000;
const MAX_BACKOFF_MS = 60_000;
const STABLE_RUN_MS = 60_000;

const config = configOrExit(() => readRuntimeConfig(process.env));

// The worker beside this file: compiled (`npm start` runs dist/bot/supervisor.js) it is worker.js, run
// by plain node; from source (the tests run bot/supervisor.ts with tsx) it is worker.ts, with tsx's loader.
const compiled = import.meta.url.endsWith('.js');
const workerPath = fileURLToPath(new URL(compiled ? './worker.js' : './worker.ts', import.meta.url));
// A 1 MB young generation (V8's semi-space): the worker's allocations are small and short-lived, and the default
// 16 MB keeps pages touched that an idle bot never needs (idle RSS 80 MB instead of 89, after 300 mentions 105 MB
// instead of 133, with no loss of throughput measured; README, Benchmarks).
const workerExecArgv = ['--max-semi-space-size=1', ...(compiled ? [] : ['--import', 'tsx'])];
const heartbeatPath = join(config.stateDir, 'heartbeat');
let worker: ChildProcess | undefined;
let startedAt = 0;
let backoffMs = 1000;
let stopping = false;
let replacing = false;

function spawnWorker(): void {
  startedAt = Date.now();
  const child = fork(workerPath, [], { execArgv: workerExecArgv, stdio: 'inherit' });
  worker = child;
  logger.info({ event: 'worker-started', worker: child.pid }, `worker ${child.pid} started`);
  child.once('exit', (code, signal) => {
    worker = undefined;
    const ran = Date.now() - startedAt;
    if (stopping) {
      logger.info(
        { event: 'worker-exited', worker: child.pid, exit: signal ?? code, stopping: true },
        `worker ${child.pid} exited (${signal ?? code}); stopped`,
      );
      process.exit(0);
    }
    if (code === 2) {
      logger.error({ event: 'worker-setup-error', worker: child.pid }, `worker ${child.pid} exited with a setup error (it said which); not restarting`);
      process.exit(2);
    }
    if (replacing) {
      // Replaced for silence: the heartbeat timeout already paced this, a new worker starts at once.
      replacing = false;
      logger.info({ event: 'worker-replaced', worker: child.pid, exit: signal ?? code }, `worker ${child.pid} ended (${signal ?? code}); starting a new one`);
      spawnWorker();
      return;
    }
    if (ran > STABLE_RUN_MS) backoffMs = 1000;
    logger.warn(
      { event: 'worker-exited', worker: child.pid, exit: signal ?? code, ranMs: ran, respawnInMs: backoffMs },
      `worker ${child.pid} exited (${signal ?? code}) after ${ran} ms; respawning in ${backoffMs} ms`,
    );
    setTimeout(spawnWorker, backoffMs);
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
  });
}

function terminate(child: ChildProcess, graceMs: number): void {
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) {
      logger.warn({ event: 'worker-killed', worker: child.pid, graceMs }, `worker ${child.pid} did not stop within ${graceMs} ms; SIGKILL`);
      child.kill('SIGKILL');
    }
  }, graceMs);
  child.once('exit', () => clearTimeout(timer));
}

// A worker that has not written a heartbeat yet is judged from the time it started.
setInterval(
  () => {
    if (!worker || stopping || replacing) return;
    const silentMs = Math.round(Math.min(heartbeatAge(heartbeatPath), Date.now() - startedAt));
    if (silentMs > config.heartbeatTimeoutMs) {
      logger.warn(
        { event: 'worker-silent', worker: worker.pid, silentMs, limitMs: config.heartbeatTimeoutMs },
        `worker ${worker.pid} silent for ${silentMs} ms (limit ${config.heartbeatTimeoutMs} ms); replacing it`,
      );
      replacing = true;
      terminate(worker, KILL_GRACE_MS);
    }
  },
  Math.max(200, Math.min(5000, config.heartbeatTimeoutMs / 10)),
);

// `pm2 sendSignal SIGHUP fedidig` reaches the supervisor; the worker holds the data to reload.
process.on('SIGHUP', () => {
  logger.info({ event: 'reload-requested' }, 'SIGHUP: passing it to the worker');
  worker?.kill('SIGHUP');
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'stopping', signal }, `${signal}: stopping the worker`);
    if (worker) terminate(worker, STOP_GRACE_MS);
    else process.exit(0);
  });
}

spawnWorker();
