import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One suite's result: the shape every bench/results/<suite>.json has. */
export interface BenchReport {
  suite: string;
  unit: string;
  value: number;
  baselineName: string;
  baselineValue: number;
  /** value / baselineValue, both measured in the same run. */
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  /** Everything else measured, for the reader. */
  details?: Record<string, unknown>;
}

export function percentile(samplesMs: readonly number[], p: number): number {
  if (samplesMs.length === 0) return 0;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function writeReport(report: BenchReport): string {
  const dir = resolve(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, `${report.suite}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

/** A table on stdout: one row per measurement. */
export function printTable(rows: Array<Record<string, string | number>>): void {
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  process.stdout.write(`${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((c) => String(row[c])))}\n`);
}
