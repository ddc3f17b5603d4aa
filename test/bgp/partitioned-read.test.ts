import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { DataFormatError } from '../../lib/datafile/errors.ts';
import { loadTableFile, parseTable } from '../../lib/bgp/table/table-file-loader.ts';
import { Subtype, mrtRecord } from '../testkit/bgp/mrt-writer.ts';
import { randomRib } from '../testkit/bgp/random-rib.ts';
import { bgpdumpOutput, inPieces, routeDump } from '../testkit/bgp/table-helpers.ts';
import { temporaryFolder } from '../testkit/temporary-folder.ts';
import { workerThreadsStarted } from '../testkit/event-loop-stall.ts';

const dir = temporaryFolder('fedidig-partitions-');

/** Writes `content` to a file of the suite's folder; returns its path. */
async function ribFile(name: string, content: Buffer): Promise<string> {
  const path = join(dir(), name);
  await writeFile(path, content);
  return path;
}

describe('an MRT RIB read by several threads', () => {
  for (const seed of [1, 2]) {
    it(`gives the very table one thread gives (seed ${seed}, plain and gzipped)`, async () => {
      const rib = randomRib(seed, 3000, { repeating: { origins: 60 } });
      const one = await loadTableFile(await ribFile(`one-${seed}.mrt`, rib), { threads: 1 });
      const routes = routeDump(one.table);
      assert.ok(one.table.ipv4Prefixes > 1000 && one.table.ipv6Prefixes > 400, 'both families');
      assert.ok(one.table.paths!.pathCount > 500, 'paths that come back, and others');
      for (const [name, content, threads] of [
        [`two-${seed}.mrt`, rib, 2],
        [`three-${seed}.mrt.gz`, gzipSync(rib), 3],
      ] as const) {
        const { result: split, workers } = await workerThreadsStarted(async () => loadTableFile(await ribFile(name, content), { threads }));
        assert.equal(workers, threads - 1, 'a thread read each other partition');
        assert.deepEqual(routeDump(split.table), routes, `${threads} threads, ${name}`);
        // Array for array: the paths numbered as one thread numbers them, the lists and origin sets too.
        assert.deepEqual(split.table.parts(), one.table.parts());
        assert.deepEqual(split.dataTime, one.dataTime);
      }
    });
  }

  it('gives the same table from RIBs of 40 peers whose prefixes come back in the next record, read by 4 threads', async () => {
    for (const seed of [6, 7]) {
      const rib = randomRib(seed, 2000, { repeating: { origins: 40, morePeers: 37, samePrefixNext: 0.4 } });
      const path = await ribFile(`again-${seed}.mrt`, rib);
      const one = await loadTableFile(path, { threads: 1 });
      assert.deepEqual((await loadTableFile(path, { threads: 4 })).table.parts(), one.table.parts(), `seed ${seed}`);
    }
  });

  it('fails with the bad record’s offset, whichever thread reads it, and leaves no thread behind', async () => {
    const rib = randomRib(3, 500, { repeating: { origins: 20 } });
    const bad = Buffer.concat([rib, mrtRecord(1_700_000_000, Subtype.RIB_IPV4_UNICAST, Buffer.from([0, 0, 0, 0, 99]))]);
    const exits: Promise<unknown>[] = [];
    let posted = 0;
    const onWorker = (worker: Worker) => {
      exits.push(once(worker, 'exit'));
      worker.once('message', () => posted++);
    };
    process.on('worker', onWorker);
    try {
      await assert.rejects(loadTableFile(await ribFile('bad.mrt', bad), { threads: 2 }), (error: Error) => {
        assert.equal(error.name, 'DataFileLoadError');
        assert.ok(error.cause instanceof DataFormatError);
        assert.deepEqual(error.cause.position, { offset: rib.length });
        // The file is closed once this settles: no other thread may still read it (its descriptor could be another file's by then).
        assert.equal(posted, exits.length, 'every other thread was done with the file');
        return true;
      });
    } finally {
      process.off('worker', onWorker);
    }
    assert.equal(exits.length, 1, 'the second partition was read by a thread of its own');
    await Promise.all(exits);
  });
});

describe('paths recognised from their bytes', () => {
  for (const seed of [4, 5]) {
    it(`are the paths bgpdump prints for the same RIB (seed ${seed})`, async (t) => {
      const rib = randomRib(seed, 1500, { repeating: { origins: 30 } });
      const text = await bgpdumpOutput(t, await ribFile(`bgpdump-${seed}.mrt`, rib));
      if (text === undefined) return;
      // The text's paths are read hop by hop, never from MRT bytes: the two ways must agree.
      const fromText = await parseTable(inPieces(text));
      const fromMrt = await parseTable(inPieces(rib));
      assert.deepEqual(routeDump(fromMrt.table), routeDump(fromText.table));
    });
  }
});
