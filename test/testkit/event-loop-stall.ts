/** How long the event loop went without a turn while something ran: what a reload costs the bot's own thread; and whether the work left it. */

import type { ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Events } from './events.ts';

const TICK_MS = 5;

/** Calls `during` while recording the longest gap between turns of a 5 ms timer, in ms. */
export async function longestStall<T>(during: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, TICK_MS);
  try {
    return { result: await during(), stallMs };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Calls `during` while noting the child processes this process starts meanwhile (node:diagnostics_channel's
 * `child_process` channel, which publishes each as it is made): whether work left this process, without timing it.
 * `started` hears each at once, for a test that acts on it while `during` still runs; `children` holds them so far.
 */
export async function childProcessesStarted<T>(
  during: (started: Events<ChildProcess>, children: readonly ChildProcess[]) => Promise<T>,
): Promise<{ result: T; children: readonly ChildProcess[] }> {
  const children: ChildProcess[] = [];
  const started = new Events<ChildProcess>();
  const onChild = (message: unknown) => {
    const { process: child } = message as { readonly process: ChildProcess };
    children.push(child);
    started.push(child);
  };
  subscribe('child_process', onChild);
  try {
    return { result: await during(started, children), children };
  } finally {
    unsubscribe('child_process', onChild);
  }
}

/** Calls `during` while counting the worker threads started meanwhile (in this process): whether work was shared out, without timing it. */
export async function workerThreadsStarted<T>(during: () => Promise<T>): Promise<{ result: T; workers: number }> {
  let workers = 0;
  const onWorker = () => workers++;
  process.on('worker', onWorker);
  try {
    return { result: await during(), workers };
  } finally {
    process.off('worker', onWorker);
  }
}
