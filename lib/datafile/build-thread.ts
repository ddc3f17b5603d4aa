/**
 * Runs one part of a build in a worker thread of the build process
 * (build-process.ts), so that a load can use more than one core (the MRT
 * RIB's partitions, lib/bgp/table/partitioned-read.ts). The worker answers
 * with postBuildResult, its typed arrays transferred rather than copied.
 */

import { parentPort, Worker, workerData } from 'node:worker_threads';
import { type Posted, postedFailure, revivedError } from './posted-error.ts';
import { compiled, runnableModule } from './runnable-module.ts';

// From source a thread needs tsx's loader, but takes neither `--import tsx` in its execArgv nor the parent's hooks
// (Node 20: “Unknown file extension .ts”), so a small script registers tsx in the thread first, then imports the worker.
function startWorker(source: URL, request: unknown): Worker {
  if (compiled) return new Worker(runnableModule(source), { workerData: request });
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: request });
}

/**
 * Starts the worker module `source` (its .ts URL; the .js beside it when
 * compiled) with `request` as its workerData, and settles with the one result
 * it posts; rejects with the worker's error, rebuilt as its class.
 */
export function runBuildWorker<Request, Result>(source: URL, request: Request): Promise<Result> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(source, request);
    worker.once('message', (posted: Posted<Result>) => {
      if ('result' in posted) resolve(posted.result);
      else reject(revivedError(posted.error));
    });
    worker.once('error', reject);
    // After a message this settles nothing; without one, the worker died before it could say why.
    worker.once('exit', (code) => reject(new Error(`the build worker exited with code ${code} before it had a result`)));
  });
}

/** In a worker module: builds from the workerData and posts the result, the buffers of its typed arrays transferred, or the error. */
export async function postBuildResult<Request, Result>(build: (request: Request) => Promise<Result>): Promise<void> {
  const port = parentPort!;
  try {
    const result = await build(workerData as Request);
    const posted: Posted<Result> = { result };
    port.postMessage(posted, [...buffersOf(result)]);
  } catch (error) {
    port.postMessage(postedFailure(error));
  }
}

/** The buffers under every typed array in `value`, each once (a buffer listed twice cannot be transferred). */
function buffersOf(value: unknown, found = new Set<ArrayBuffer>()): Set<ArrayBuffer> {
  if (ArrayBuffer.isView(value)) found.add(value.buffer as ArrayBuffer);
  else if (typeof value === 'object' && value !== null) for (const child of Object.values(value)) buffersOf(child, found);
  return found;
}
