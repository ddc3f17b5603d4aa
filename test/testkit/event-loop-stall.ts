/** How long the event loop went without a turn while something ran: what a reload costs the bot's own thread. */

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

/** Calls `during` while counting the worker threads started meanwhile: whether work left this thread, without timing it. */
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
