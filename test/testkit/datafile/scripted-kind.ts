/**
 * A data-file kind for the pipeline's own tests, whose file says what its
 * load does in the build process: numbers, one a line, are loaded; `exit N`
 * ends the process with code N and no result; `hang` never finishes;
 * `gc?` loads 1 when collectGarbage() in the build process collected an
 * object nothing holds (a WeakRef to it is empty after), else 0. Its load options travel to the build process
 * with the request.
 */
import type { DataFileFacts, DataFileKind } from '../../../lib/datafile/data-file.ts';
import { collectGarbage } from '../../../lib/datafile/collect-garbage.ts';
import { loadDataFile } from '../../../lib/datafile/file-content.ts';

export interface LoadedNumbers extends DataFileFacts<'text'> {
  readonly numbers: Uint32Array;
}

/** What the scripted load is asked to do besides: add `offset` to every number. */
export interface ScriptedOptions {
  readonly offset?: number;
}

export const scriptedFile: DataFileKind<LoadedNumbers, { readonly numbers: Uint32Array }, ScriptedOptions> = {
  name: 'test-scripted',
  module: import.meta.url,
  exportName: 'scriptedFile',
  load: (path, options = {}) =>
    loadDataFile(path, async (chunks) => {
      const lines: string[] = [];
      for await (const chunk of chunks) lines.push(chunk.toString('utf8'));
      const text = lines.join('').trim();
      const exit = /^exit (\d+)$/.exec(text);
      if (exit) process.exit(Number(exit[1]));
      // A timer keeps the process alive: it waits for ever, not exits for want of work.
      if (text === 'hang') await new Promise(() => setInterval(() => {}, 60_000));
      if (text === 'gc?') return { numbers: Uint32Array.of(await collectedWhenTold()), format: 'text' as const, dataTime: undefined };
      return { numbers: Uint32Array.from(text.split('\n'), (line) => Number(line) + (options.offset ?? 0)), format: 'text' as const, dataTime: undefined };
    }),
  parts: ({ numbers }) => ({ numbers }),
  assemble: (facts, { numbers }) => ({ ...facts, numbers }),
};

/** 1 when collectGarbage() frees an object that only a WeakRef points to, else 0. */
async function collectedWhenTold(): Promise<number> {
  const ref = new WeakRef({ unheld: true });
  // A WeakRef's target is kept until the job that made it ends.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return ref.deref() === undefined ? 1 : 0;
}
