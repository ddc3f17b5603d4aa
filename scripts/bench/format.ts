/** How the benchmarks write their figures: numbers with thousands separators, units, percentiles, and the machine they ran on. */
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export const MB = 1024 * 1024;
/** A figure that was not measured. */
export const NONE = '—';

/** `12,345.6`: en-US grouping, exactly `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const measured = (value: number | undefined): value is number => value !== undefined && Number.isFinite(value);

/** Milliseconds as seconds: `2.1 s`. */
export function seconds(ms: number | undefined, digits = 1): string {
  return measured(ms) ? `${fmt(ms / 1000, digits)} s` : NONE;
}

/** Milliseconds as they are: one decimal below 10 (`4.0`), none above (`16,361`). */
export function milliseconds(value: number | undefined): string {
  return measured(value) ? (value < 10 ? fmt(value, 1) : fmt(value)) : NONE;
}

export function megabytes(value: number | undefined): string {
  return measured(value) ? `${fmt(value)} MB` : NONE;
}

export interface Spread {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Count, median, 90th and 99th percentile (nearest rank) and maximum; undefined for no values. */
export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1)! };
}

/** Rows as columns of text: the first left-aligned, the others right-aligned, two spaces apart. */
export function alignedRows(rows: readonly (readonly string[])[]): string[] {
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
}

/** The machine a benchmark ran on, as its report names it. */
export function machine(): Machine {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  return {
    cpu: model.replace(/\s+/g, ' '),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    kernel: `Linux ${release()}`,
  };
}
