import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Printing figures with their goals, and the small measuring helpers the benchmark needs. */

let passed = 0;
let failed = 0;

export const MB = 1024 * 1024;

/**
 * One figure per line: label, value with unit, and — when there is a goal — the goal and ✓/✗.
 * Goals are upper bounds.
 */
export function figure(label: string, value: number, unit: string, opts: { digits?: number; max?: number } = {}): void {
  const shown = `${value.toFixed(opts.digits ?? 1)} ${unit}`.trim();
  let line = `  ${label.padEnd(50)} ${shown.padStart(14)}`;
  if (opts.max !== undefined) {
    const ok = value <= opts.max;
    if (ok) passed++;
    else failed++;
    line += `   goal ≤ ${opts.max} ${unit}  ${ok ? '✓' : '✗'}`;
  }
  console.log(line);
}

export function heading(text: string): void {
  console.log(`\n== ${text}`);
}

export function summary(): string {
  return `bench: ${passed} passed, ${failed} failed`;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export const median = (samples: number[]) => percentile(samples, 50);

/** Total size of the files under `path` (a file or a folder), in bytes. */
export function sizeOf(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((s, name) => s + sizeOf(join(path, name)), 0);
}

/** Resident set size after a full collection, in MB (run with --expose-gc). */
export function settledRss(): number {
  globalThis.gc?.();
  return process.memoryUsage().rss / MB;
}

/** Peak resident set size of this process so far, in MB (maxRSS is in kilobytes). */
export const peakRss = () => process.resourceUsage().maxRSS / 1024;
