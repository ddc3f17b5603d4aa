/**
 * The bot's processes as the benchmark runs and measures them: the
 * supervisor started as `npm start` starts it, stopped or killed with
 * everything it forked, and their memory and CPU time read from /proc.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSupervisor, type BotProcess } from '../../test/testkit/bot/bot-process.ts';
import { BotLog } from './bot-log.ts';
import { fmt } from './format.ts';
import { procStatus } from './memory.ts';

/** A child of ours that may still run: its pid, if /proc says it is still our bot's code. */
export function stillOurs(pid: number): boolean {
  try {
    return /bot\/(worker|supervisor)\.(ts|js)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/** Kills the supervisor and every worker it forked, whatever state they are in (a stopped one too). */
export function killAll(bot: BotProcess, botLog: BotLog): void {
  const pids = [bot.child.pid, ...botLog.workers.map((w) => w.pid)].filter((pid): pid is number => pid !== undefined);
  for (const pid of pids) {
    if (!stillOurs(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process so far, in ms (/proc/PID/stat fields 14 and 15). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * CPU time of the whole machine so far, in ms, from the `cpu` line of /proc/stat (clock ticks): `processes` is user,
 * nice and system time, which other people's processes show up in; `kernel` the interrupts (our loopback traffic
 * too) and time stolen by the hypervisor.
 */
export function machineCpuMs(): { processes: number; kernel: number; total: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = /^cpu\s+(.+)$/m
    .exec(readFileSync('/proc/stat', 'utf8'))![1]!
    .split(/\s+/)
    .map(Number) as number[];
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;
  return {
    processes: ms(user! + nice! + system!),
    kernel: ms(irq! + softirq! + steal!),
    total: ms(user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!),
  };
}

/** Samples a process's VmRSS every 100 ms; notes the longest gap, as this process's own event loop is busy too. */
export function sampleRss(pid: number) {
  const samples: number[] = [];
  let last = Date.now();
  let longestGapMs = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    const rss = procStatus(pid, 'VmRSS');
    if (rss !== undefined) samples.push(rss);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return { samples: samples.length, peakMB: Math.max(0, ...samples), longestGapMs, kernelPeakMB: procStatus(pid, 'VmHWM') };
    },
  };
}

/** Polls `probe` every `everyMs` until it returns something, or throws after `timeoutMs` (or at once if `probe` throws). */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs: number, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${fmt(timeoutMs / 1000, 1)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export type BotRun = ReturnType<typeof startBot>;

/** Bot runs not yet stopped, and temp dirs: what the exit handler below cleans up, whatever way this process ends. */
export const running = new Set<BotRun>();
export const tempDirs = new Set<string>();

/** One supervisor run: the process, its log, and a stop that always ends with nothing left running. */
export function startBot(env: Record<string, string>, compiled: boolean) {
  const bot = startSupervisor(env, { compiled });
  const botLog = new BotLog(bot);
  const run = {
    bot,
    botLog,
    /** true while the supervisor runs; throws once it has exited, so that a wait on it fails at once. */
    alive: (): true => {
      if (bot.child.exitCode !== null || bot.child.signalCode !== null)
        throw new Error(`the supervisor exited (${bot.child.exitCode ?? bot.child.signalCode})`);
      return true;
    },
    /** SIGTERM and up to 30 s for the worker to finish its replies; then SIGKILL for all. Resolves with the exit code (null: it did not stop). */
    stop: async (): Promise<number | null> => {
      const code = await Promise.race([bot.stop('SIGTERM'), sleep(30_000).then(() => null)]);
      killAll(bot, botLog);
      running.delete(run);
      return code;
    },
  };
  running.add(run);
  return run;
}
