/**
 * Runs one build in a worker thread: parsing and building a data file takes
 * a second or more of CPU, which on the bot's own thread would hold up
 * heartbeats, pings and mentions for as long. The worker answers with
 * postBuildResult, its typed arrays transferred rather than copied, so the
 * main thread only wraps them without deriving anything again.
 */

import { parentPort, Worker, workerData } from 'node:worker_threads';
import { DataFileLoadError, DataFormatError, type DataFilePosition, SnapshotError } from './errors.ts';

/**
 * An error as it crosses between threads: structured cloning keeps only an
 * Error's message, so the fields that make it one of our classes again
 * travel beside it.
 */
export interface PostedError {
  readonly name: string;
  readonly message: string;
  readonly reason?: string;
  readonly position?: DataFilePosition;
  readonly path?: string;
  readonly code?: string;
}

/** What a worker posts: its result, or why it has none. */
type Posted<T> = { readonly result: T } | { readonly error: PostedError };

// Compiled (dist/, as `npm start` runs it) the worker is the .js beside its caller, run by plain node; from source
// (tests, benchmarks) it is the .ts, which needs tsx's loader in the thread too, as bot/supervisor.ts gives its worker
// process. A thread takes neither `--import tsx` in its execArgv nor the parent's hooks (Node 20: “Unknown file
// extension .ts”), so a small script registers tsx in the thread first, then imports the worker.
const compiled = import.meta.url.endsWith('.js');

function startWorker(source: URL, request: unknown): Worker {
  if (compiled) return new Worker(new URL(source.href.replace(/\.ts$/, '.js')), { workerData: request });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); });`;
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
    // The main thread wraps the cause in a DataFileLoadError of its own, naming the path once.
    const cause = error instanceof DataFileLoadError ? error.cause : error;
    const posted: Posted<Result> = { error: postableError(cause) };
    port.postMessage(posted);
  }
}

/** `error` as it can be posted to another thread and revived there. */
export function postableError(error: unknown): PostedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { name, message } = error;
  if (error instanceof DataFormatError) return { name, message, reason: error.reason, position: error.position };
  if (error instanceof SnapshotError) return { name, message, reason: error.reason, path: error.path };
  const { code } = error as NodeJS.ErrnoException;
  return { name, message, ...(code !== undefined && { code }) };
}

/** The error a PostedError stands for: one of our classes again where it was one. */
export function revivedError(posted: PostedError): Error {
  if (posted.name === 'DataFormatError' && posted.reason !== undefined) return new DataFormatError(posted.reason, posted.position);
  if (posted.name === 'SnapshotError' && posted.reason !== undefined && posted.path !== undefined) return new SnapshotError(posted.path, posted.reason);
  const error: NodeJS.ErrnoException = new Error(posted.message);
  error.name = posted.name;
  if (posted.code !== undefined) error.code = posted.code;
  return error;
}

/** The buffers under every typed array in `value`, each once (a buffer listed twice cannot be transferred). */
function buffersOf(value: unknown, found = new Set<ArrayBuffer>()): Set<ArrayBuffer> {
  if (ArrayBuffer.isView(value)) found.add(value.buffer as ArrayBuffer);
  else if (typeof value === 'object' && value !== null) for (const child of Object.values(value)) buffersOf(child, found);
  return found;
}
