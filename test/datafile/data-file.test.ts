/**
 * The data-file pipeline's build process: each version of a file is built in
 * a child process, which hands the data back through a snapshot file (in
 * STATE_DIR, or a temporary one removed afterwards), keeps the class of its
 * errors, runs at a lower CPU priority than the bot, and never outlives the
 * build it was started for, nor the bot.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, watch } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { asNamesFile } from '../../lib/bgp/formats/as-names.ts';
import { openDataFile } from '../../lib/datafile/data-file.ts';
import { DataFileLoadError, DataFormatError } from '../../lib/datafile/errors.ts';
import type { WatchedFile } from '../../lib/datafile/watched-file.ts';
import { scriptedFile, type LoadedNumbers, type ScriptedOptions } from '../testkit/datafile/scripted-kind.ts';
import { childProcessesStarted } from '../testkit/event-loop-stall.ts';
import { closedAfterEach } from '../testkit/closed-after-each.ts';
import { Events } from '../testkit/events.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';
import { waitFor } from '../testkit/wait-for.ts';

/** Not watched: the tests decide when a file is loaded again. */
const UNWATCHED = { pollIntervalMs: 3_600_000, settleMs: 3_600_000 };

/** Whether the process `pid` has ended: gone, or a zombie nobody has reaped yet (its parent died). */
function ended(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}

/** What the builds left in the temporary folder (tsx, which runs them from source, keeps its cache there too). */
async function leftBehind(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name.startsWith('fedidig-'));
}

/** The niceness of each thread of the process `pid` (field 19 of /proc/PID/task/TID/stat). */
function threadNiceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('the data-file build process', () => {
  const dir = temporaryFolder('fedidig-data-file-');
  const closeAfterTest = closedAfterEach<WatchedFile<LoadedNumbers>>();
  const tmpdirBefore = process.env.TMPDIR;
  /** The temporary folder the builds of a test see (os.tmpdir()), empty at its start. */
  let temporary: string;
  beforeEach(async (context) => {
    temporary = join(dir(), `tmp-${context.name.replace(/\W+/g, '-')}`);
    await mkdir(temporary);
    process.env.TMPDIR = temporary;
  });
  afterEach(() => {
    if (tmpdirBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdirBefore;
  });

  async function scripted(name: string, content: string, options: { snapshotPath?: string; loadOptions?: ScriptedOptions } = {}) {
    const path = join(dir(), name);
    await writeFile(path, content);
    const errors = new Events<Error>();
    const snapshotErrors = new Events<Error>();
    const file = await openDataFile(scriptedFile, { path, onError: errors.push, onSnapshotError: snapshotErrors.push, ...UNWATCHED, ...options });
    closeAfterTest(file);
    return { path, file, errors, snapshotErrors };
  }

  it('keeps the class of a build error across the process boundary: a DataFormatError with its line', async () => {
    const path = join(dir(), 'names.txt');
    await writeFile(path, '64500 A\nNAME 64501\n');
    const error = await openDataFile(asNamesFile, { path, onError: assert.fail }).then(
      () => assert.fail('opened'),
      (error: unknown) => error,
    );
    assert.ok(error instanceof DataFileLoadError, String(error));
    assert.equal(error.path, path);
    assert.ok(error.cause instanceof DataFormatError, String(error.cause));
    assert.deepEqual(error.cause.position, { line: 2 });
    assert.match(error.message, /^cannot load .*names\.txt: expected “AS-number name”: NAME 64501 \(line 2\)$/);
  });

  it('without STATE_DIR, hands the data back through a file in the temporary folder and removes it', async () => {
    const seen = new Set<string>();
    const watcher = watch(temporary, (_event, name) => name?.startsWith('fedidig-') && seen.add(name));
    try {
      const { file } = await scripted('numbers.txt', '1\n2\n3\n');
      assert.deepEqual([...file.current.value.numbers], [1, 2, 3]);
      assert.deepEqual(await leftBehind(temporary), [], 'nothing left in the temporary folder');
      await waitFor(() => [...seen].some((name) => /^fedidig-test-scripted-\d+-\d+\.snapshot$/.test(name)), 10_000);
    } finally {
      watcher.close();
    }
  });

  it('hands the owner’s load options to the kind’s load in the build process', async () => {
    const { file } = await scripted('offset.txt', '1\n2\n', { loadOptions: { offset: 10 } });
    assert.deepEqual([...file.current.value.numbers], [11, 12]);
  });

  it('builds in a process whose collectGarbage() collects (a builder calls it before its frozen arrays), unlike the test’s', async () => {
    const { file } = await scripted('gc.txt', 'gc?\n');
    assert.deepEqual([...file.current.value.numbers], [1]);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc: the 1 is the build process’s');
  });

  it('keeps the data when the snapshot cannot be written to STATE_DIR, and says why', async () => {
    await writeFile(join(dir(), 'not-a-folder'), '');
    const { file, snapshotErrors } = await scripted('kept.txt', '7\n', { snapshotPath: join(dir(), 'not-a-folder', 'kept.snapshot') });
    assert.deepEqual([...file.current.value.numbers], [7]);
    assert.equal(((await snapshotErrors.next()) as NodeJS.ErrnoException).code, 'ENOTDIR');
    assert.deepEqual(await leftBehind(temporary), [], 'the temporary file that carried the data is removed');
  });

  it('builds at a lower CPU priority than the bot, and ends the build when the file is closed during it', async () => {
    const { path, file, errors } = await scripted('hangs.txt', '1\n');
    await writeFile(path, 'hang\n');
    const { result: swapped, children } = await childProcessesStarted(async (started) => {
      const reloaded = file.reload();
      const child: ChildProcess = await started.next();
      await once(child, 'spawn');
      const niceness = Math.min(19, getPriority() + 10);
      // Every thread: those the child started before it lowered them too, and those it started after.
      await waitFor(() => threadNiceness(child.pid!).every((each) => each === niceness), 30_000);
      file.close();
      return reloaded;
    });
    assert.equal(swapped, false);
    assert.equal(children.length, 1);
    assert.equal(children[0]!.signalCode, 'SIGTERM', 'the build process was ended, and had exited when the reload settled');
    assert.ok(ended(children[0]!.pid!));
    assert.equal(errors.pending, 0, 'a build ended by close() is no error');
    assert.deepEqual(file.current.value.numbers, Uint32Array.of(1));
  });

  it('rejects with a clear error when the build process exits without a result', async () => {
    await assert.rejects(scripted('exits.txt', 'exit 3\n'), (error: unknown) => {
      assert.ok(error instanceof DataFileLoadError);
      assert.equal((error.cause as Error).message, 'the build process exited with code 3 before it had a result');
      return true;
    });
  });

  it('does not outlive the bot: the build process ends when its parent dies', async () => {
    const path = join(dir(), 'orphan.txt');
    await writeFile(path, 'hang\n');
    // A bot that starts a build that never ends, says the build process's pid, and is killed.
    const script = `
      const { subscribe } = await import('node:diagnostics_channel');
      subscribe('child_process', ({ process: child }) => child.once('spawn', () => console.log(child.pid)));
      const { openDataFile } = await import(${JSON.stringify(import.meta.resolve('../../lib/datafile/data-file.ts'))});
      const { scriptedFile } = await import(${JSON.stringify(import.meta.resolve('../testkit/datafile/scripted-kind.ts'))});
      await openDataFile(scriptedFile, { path: ${JSON.stringify(path)}, onError: () => {} });`;
    const bot = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(bot.stdout!, 'data')) as [Buffer];
    const buildPid = Number(line.toString());
    assert.ok(buildPid > 0 && !ended(buildPid), 'the build process runs');
    bot.kill('SIGKILL');
    await once(bot, 'exit');
    await waitFor(() => ended(buildPid), 30_000);
  });
});
