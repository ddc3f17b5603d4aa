/** What the benchmarks' children report of their memory, read from Node and from the kernel. */

import { readFileSync } from 'node:fs';
import { MB } from './format.ts';

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run the child with --expose-gc');
  for (let i = 0; i < 3; i++) collect();
}

interface Memory {
  rss: number;
  live: number;
}

/** This process's memory, garbage collected first: what a structure holds, not what is yet to be freed. */
export function memory(): Memory {
  gc();
  const usage = process.memoryUsage();
  return { rss: usage.rss, live: usage.heapUsed + usage.arrayBuffers };
}

/** A memory figure of process `pid` from /proc (VmRSS: now; VmHWM: its peak), in MB; undefined where there is no /proc. */
export function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? (Number(match[1]) * 1024) / MB : undefined;
  } catch {
    return undefined;
  }
}
