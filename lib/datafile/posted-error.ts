/**
 * An error as it crosses to another thread (structured cloning) or process
 * (IPC, as JSON): both keep only an Error's message, so the fields that make
 * it one of our classes again travel beside it.
 */

import { DataFileLoadError, DataFormatError, type DataFilePosition, SnapshotError } from './errors.ts';

export interface PostedError {
  readonly name: string;
  readonly message: string;
  readonly reason?: string;
  readonly position?: DataFilePosition;
  readonly path?: string;
  readonly code?: string;
}

/** What a worker thread or a build process sends: its result, or why it has none. */
export type Posted<T> = { readonly result: T } | { readonly error: PostedError };

/** A build's failure as it is posted: its cause, which the receiver wraps in a DataFileLoadError of its own, naming the path once. */
export function postedFailure(error: unknown): { readonly error: PostedError } {
  return { error: postableError(error instanceof DataFileLoadError ? error.cause : error) };
}

/** `error` as it can be posted to another thread or process and revived there. */
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
