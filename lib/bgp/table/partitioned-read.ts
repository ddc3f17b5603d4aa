/**
 * A full MRT RIB read by several threads at once: each reads the whole open
 * file but interns only the paths of its partition of the origins
 * (partitionOf), which is most of the work, and hands what it built to the
 * first thread, which absorbs it (RoutingTableBuilder.absorb). The
 * partitions share no path, so joining them looks nothing up again.
 */

import { isMainThread, workerData } from 'node:worker_threads';
import { postBuildResult, runBuildWorker } from '../../datafile/build-thread.ts';
import { contentOf, type OpenFile } from '../../datafile/file-content.ts';
import { MrtParser } from '../formats/mrt-parser.ts';
import { RoutingTableBuilder, type RoutingTableBuilderParts } from './routing-table-builder.ts';

interface PartitionRequest {
  readonly tablePartition: number;
  readonly count: number;
  readonly fd: number;
  readonly gzipped: boolean;
}

/** What partitions 1 to `count - 1` of the MRT RIB open as `file` hold, each read by a worker thread; partition 0 is the caller's. */
export function readOtherPartitions(file: OpenFile, count: number): Promise<RoutingTableBuilderParts[]> {
  const worker = new URL(import.meta.url);
  const requests = Array.from({ length: count - 1 }, (_, i): PartitionRequest => ({ tablePartition: i + 1, count, fd: file.fd, gzipped: file.gzipped }));
  // Settled together, so that none still reads the file when the caller closes it.
  return Promise.allSettled(requests.map((request) => runBuildWorker<PartitionRequest, RoutingTableBuilderParts>(worker, request))).then((results) =>
    results.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    }),
  );
}

async function readPartition(request: PartitionRequest): Promise<RoutingTableBuilderParts> {
  const builder = new RoutingTableBuilder({ partition: request.tablePartition });
  const parser = new MrtParser(builder, { index: request.tablePartition, count: request.count });
  for await (const chunk of contentOf(request)) parser.push(chunk);
  parser.end();
  return builder.parts();
}

// This module is also the partition reader's: started as one (with a PartitionRequest), it reads that partition.
if (!isMainThread && typeof workerData === 'object' && workerData !== null && 'tablePartition' in workerData) {
  await postBuildResult(readPartition);
}
