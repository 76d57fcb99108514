// Files staff import are parsed off the main thread, in a worker thread with a capped heap and a
// deadline: a zip bomb or a page that takes minutes costs the worker (terminated, or crashed out of
// memory), and the chat keeps answering. One worker, one file at a time, reused while imports keep
// coming and closed after a few idle seconds; it never keeps a finished CLI command waiting.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Prepared } from '../ingest.ts';
import type { Category } from '../../store/types.ts';
import { LoadError } from './errors.ts';
import { LimitError, PARSE_DEADLINE_MS, refuse, WORKER_HEAP_MB } from './limits.ts';

export interface ParseJob {
  id: number;
  path: string;
  source: string;
  category?: Category;
  maxBytes: number;
}

export type ParseReply = { id: number; ok: true; prepared: Prepared } | { id: number; ok: false; error: { file: string; message: string } };

/** How long an idle worker is kept for the next file. */
const IDLE_MS = 10_000;

const limits = { deadlineMs: PARSE_DEADLINE_MS, heapMb: WORKER_HEAP_MB };

/** For tests: a shorter deadline or a smaller heap (the next worker started uses them). */
export function setParseLimits(next: Partial<typeof limits>): void {
  Object.assign(limits, next);
  void closeParser();
}

/**
 * The worker runs TypeScript the way bin/gongyou.js does: tsx registered in the thread, then the
 * .ts module imported. Workers do not inherit the main thread's loader hooks, so it registers its own.
 */
function startWorker(): Worker {
  // tsx's ESM entry, found from this file (not the working directory, which may be anywhere).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./parse-worker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  const w = new Worker(code, {
    eval: true,
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
  });
  // Between jobs nobody else listens: an error must not become an uncaught one in the server,
  // and a worker that went away is not given the next file.
  w.on('error', () => undefined);
  w.on('exit', () => {
    if (worker === w) worker = undefined;
  });
  return w;
}

let worker: Worker | undefined;
let idle: NodeJS.Timeout | undefined;
let queue: Promise<unknown> = Promise.resolve();
let nextId = 1;

/** Parses (loads, titles, splits) one file in the worker; refusals are LoadErrors as in-process. */
export function prepareInWorker(path: string, opts: { source: string; category?: Category; maxBytes: number }): Promise<Prepared> {
  const run = queue.then(() => runJob({ id: nextId++, path, ...opts }));
  queue = run.catch(() => undefined);
  return run;
}

function runJob(job: ParseJob): Promise<Prepared> {
  clearTimeout(idle);
  const w = (worker ??= startWorker());
  w.ref();
  return new Promise<Prepared>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      fn();
    };
    const drop = () => {
      if (worker === w) worker = undefined;
      void w.terminate();
    };
    const onMessage = (reply: ParseReply) => {
      if (reply.id !== job.id) return;
      settle(() => {
        park(w);
        if (reply.ok) resolve(withBuffer(reply.prepared));
        else reject(new LoadError(reply.error.file, reply.error.message));
      });
    };
    const onError = (err: Error) => {
      settle(() => {
        drop();
        reject(crashError(job.path, err));
      });
    };
    const onExit = () => {
      settle(() => {
        drop();
        reject(crashError(job.path));
      });
    };
    const deadline = setTimeout(() => {
      settle(() => {
        drop();
        reject(refuse(job.path, `解析超过 ${limits.deadlineMs / 1000} 秒仍未完成`, `${limits.deadlineMs / 1000} 秒`));
      });
    }, limits.deadlineMs);
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage(job);
  });
}

/** Between files the worker does not keep the process alive, and goes after IDLE_MS. */
function park(w: Worker): void {
  w.unref();
  clearTimeout(idle);
  idle = setTimeout(() => {
    if (worker === w) worker = undefined;
    void w.terminate();
  }, IDLE_MS);
  idle.unref();
}

function crashError(file: string, err?: Error): LoadError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new LimitError(file, `《${file}》解析时占用的内存超过上限，已拒绝导入（上限 ${limits.heapMb} MB）。`);
  }
  return new LimitError(file, `《${file}》解析时出错（解析进程意外退出），已拒绝导入。文件可能已损坏或含有异常内容。`);
}

/** The worker's thread gives back a Uint8Array where the main thread had a Buffer. */
function withBuffer(p: Prepared): Prepared {
  const o = p.original as unknown as Uint8Array;
  return { ...p, original: Buffer.from(o.buffer, o.byteOffset, o.byteLength) };
}

/** Stops the worker now (tests, shutdown); the next file starts a new one. */
export async function closeParser(): Promise<void> {
  clearTimeout(idle);
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}
