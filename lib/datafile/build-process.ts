/**
 * Runs one build in a child process: parsing and building a data file takes
 * seconds of CPU and, for a full RIB, a few hundred MB of scratch (hash
 * tables, builders' arrays doubled as they grow). In a thread of the bot's
 * own process that scratch counts in the bot's RSS beside the old and the
 * new value; a child's memory ends with it. The child
 * writes what it built to a snapshot file and says where over IPC; the
 * parent reads it back (snapshot-file.ts), its arrays views on one buffer.
 */

import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Posted, postedFailure, revivedError } from './posted-error.ts';
import { compiled, runnableModule } from './runnable-module.ts';

/** The argument that tells a module forked by runBuildProcess that it is the build process; its request follows it. */
const BUILD_ARGUMENT = '--fedidig-data-file-build';

/**
 * A build is background work: the bot's event loop (heartbeats, pings,
 * mentions) must get a core first, and on a 2-core machine a build that
 * competes as an equal stalls it. A niceness 10 above the bot's gives the
 * build about a tenth of a core the bot wants, and every core nobody else
 * wants; 19 is the lowest priority there is.
 */
function buildNiceness(botNiceness: number): number {
  return Math.min(19, botNiceness + 10);
}

// From source the child needs tsx's loader, as bot/supervisor.ts gives its worker process; tsx is imported by the URL
// it resolves to from here, so the child finds it whatever its working directory.
function startProcess(source: URL, request: unknown): ChildProcess {
  const module = fileURLToPath(runnableModule(source));
  // Not the parent's execArgv: the bot worker's small young generation (supervisor.ts) would slow a build's allocations.
  // --expose-gc: for collectGarbage(), which keeps a build's outgrown arrays out of its peak.
  const execArgv = ['--expose-gc', ...(compiled ? [] : ['--import', import.meta.resolve('tsx')])];
  return fork(module, [BUILD_ARGUMENT, JSON.stringify(request)], { execArgv, env: buildProcessEnvironment() });
}

/**
 * glibc's malloc (Linux) serves an allocation below its mmap threshold from
 * heaps that keep what is freed, and raises the threshold, up to 32 MB, each
 * time a mapped block is freed. A build allocates and drops typed arrays of
 * a few MB by the thousand (read chunks, arrays doubled as they grow, a
 * thread's share of the RIB), so its RSS kept that garbage: a full RIB read
 * by two threads peaked at 450 MB instead of 369. A fixed threshold (the
 * operator's own, if set) maps every block over 128 KiB and unmaps it whole.
 */
const MMAP_THRESHOLD = 128 * 1024;

/** The environment a build process runs with: this process's, and the mmap threshold unless it sets one. */
export function buildProcessEnvironment(): NodeJS.ProcessEnv {
  return { MALLOC_MMAP_THRESHOLD_: String(MMAP_THRESHOLD), ...process.env };
}

/**
 * Forks the module `source` (its .ts URL; the .js beside it when compiled)
 * as a build process with `request`, and settles with the one result it
 * sends; rejects with the child's error, rebuilt as its class, or when the
 * child exits without a result. `signal` ends the child, and once it has
 * exited rejects with its reason: a build nobody will use leaves no process
 * behind.
 */
export function runBuildProcess<Request, Result>(source: URL, request: Request, signal?: AbortSignal): Promise<Result> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = startProcess(source, request);
    lowerPriority(child.pid, buildNiceness(getPriority()));
    const abort = () => child.kill();
    signal?.addEventListener('abort', abort, { once: true });
    child.once('message', (posted: Posted<Result>) => {
      if ('result' in posted) resolve(posted.result);
      else reject(revivedError(posted.error));
    });
    child.once('error', (error) => {
      signal?.removeEventListener('abort', abort);
      reject(error);
    });
    // After a message this settles nothing; without one, the child was ended, or died before it could say why.
    child.once('exit', (code, exitSignal) => {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) reject(signal.reason);
      else reject(new Error(`the build process exited with ${exitSignal ?? `code ${code}`} before it had a result`));
    });
  });
}

/** Whether this process is one runBuildProcess forked: then the module it forked serves the build with serveBuildRequest. */
export function isBuildProcess(): boolean {
  return process.argv[2] === BUILD_ARGUMENT && process.send !== undefined;
}

/** In a build process: builds from the request, sends the result or the error, and exits. */
export async function serveBuildRequest<Request, Result>(build: (request: Request) => Promise<Result>): Promise<void> {
  // The parent is gone (it died, or ended the build): nobody will read what this builds. It may have gone while
  // this process was starting, before anyone listened.
  process.once('disconnect', () => process.exit(1));
  if (!process.connected) process.exit(1);
  // The parent lowered the priority of this process's first thread once it was forked (on Linux, of that thread
  // alone): threads started before (V8's, at startup) kept the bot's; those started after this inherit the build's.
  const niceness = buildNiceness(getPriority(process.ppid));
  for (const thread of threadsOfThisProcess()) lowerPriority(thread, niceness);
  let posted: Posted<Result>;
  try {
    posted = { result: await build(JSON.parse(process.argv[3]!) as Request) };
  } catch (error) {
    posted = postedFailure(error);
  }
  await new Promise((sent) => process.send!(posted, sent));
  // Not waiting for the event loop to empty: whatever the load left running (a timer, a thread) ends here.
  process.exit(0);
}

/** Lowers the CPU priority of a process, or on Linux of one thread of it: the build runs as well without, only less politely. */
function lowerPriority(pid: number | undefined, niceness: number): void {
  if (pid === undefined) return; // not started: its 'error' event says why
  try {
    setPriority(pid, niceness);
  } catch {
    // gone meanwhile, or not allowed here
  }
}

/** The ids of this process's threads (Linux: /proc/self/task), or its own pid where there is no such list. */
function threadsOfThisProcess(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [process.pid];
  }
}
