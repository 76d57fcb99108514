import { randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { StaffError } from './errors.ts';

/**
 * Password hashing (scrypt) away from the main thread, so a flood of sign-in attempts never slows
 * the chat. node:crypto's async scrypt would run in libuv's small thread pool, which file and DNS
 * work share, and a flood would fill it; instead a dedicated worker thread (two on larger machines)
 * at low scheduling priority does the hashing, one job at a time each. At most `maxWaiting` jobs
 * wait (default 100); beyond that a sign-in is refused at once with HasherBusy (the console answers
 * 503), so a flood costs a bounded queue, not memory or latency.
 */

export const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

export class HasherBusy extends StaffError {
  constructor() {
    super('现在登录的人太多，服务器忙不过来，请过一分钟再试。');
  }
}

interface Job {
  id: number;
  password: string;
  salt: string;
  N: number;
  r: number;
  p: number;
  keylen: number;
  resolve: (key: Buffer) => void;
  reject: (err: Error) => void;
}

// Plain JavaScript evaluated in the worker (no TypeScript loader needed there).
const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
// on Linux this lowers only this thread: the chat's thread keeps its priority
try { require('node:os').setPriority(0, 10); } catch (e) {}
parentPort.on('message', (m) => {
  try {
    const key = scryptSync(m.password, Buffer.from(m.salt, 'base64'), m.keylen, { N: m.N, r: m.r, p: m.p, maxmem: 128 * 1024 * 1024 });
    parentPort.postMessage({ id: m.id, key: key.toString('base64') });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Slot {
  worker?: Worker;
  job?: Job;
}

export class Hasher {
  private readonly slots: Slot[];
  private readonly waiting: Job[] = [];
  private readonly maxWaiting: number;
  private nextId = 1;
  private closed = false;

  constructor(opts: { maxWaiting?: number; threads?: number } = {}) {
    this.maxWaiting = opts.maxWaiting ?? 100;
    const threads = opts.threads ?? Math.max(1, Math.min(2, availableParallelism() - 1));
    this.slots = Array.from({ length: threads }, () => ({}));
  }

  /** Jobs waiting for a thread (not counting those being hashed). */
  get queued(): number {
    return this.waiting.length;
  }

  /** scrypt of the password (NFC) with the salt; rejects with HasherBusy when the queue is full. */
  derive(password: string, salt: Buffer, params: { N: number; r: number; p: number; keylen: number } = SCRYPT): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('hasher closed'));
    if (this.waiting.length >= this.maxWaiting && this.slots.every((s) => s.job)) return Promise.reject(new HasherBusy());
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, password: password.normalize('NFC'), salt: salt.toString('base64'), ...params, resolve, reject });
      this.pump();
    });
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.derive(password, salt);
    return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [tag, n, r, p, salt, key] = stored.split('$');
    if (tag !== 'scrypt' || !salt || !key) return false;
    const want = Buffer.from(key, 'base64');
    const got = await this.derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), keylen: want.length });
    return got.length === want.length && timingSafeEqual(got, want);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const j of this.waiting.splice(0)) j.reject(new Error('hasher closed'));
    return Promise.all(this.slots.map((s) => s.worker?.terminate())).then(() => undefined);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || !this.waiting.length) continue;
      const job = this.waiting.shift()!;
      slot.job = job;
      const w = this.workerOf(slot);
      const { resolve: _r, reject: _j, ...msg } = job;
      w.postMessage(msg);
    }
  }

  private workerOf(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const w = new Worker(WORKER_CODE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 64 } });
    w.unref(); // an idle hasher never keeps the process alive
    w.on('message', (m: { id: number; key?: string; error?: string }) => {
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      slot.job = undefined;
      if (m.key) job.resolve(Buffer.from(m.key, 'base64'));
      else job.reject(new Error(m.error ?? 'scrypt failed'));
      this.pump();
    });
    const lost = (err: Error) => {
      if (slot.worker !== w) return;
      slot.worker = undefined;
      const job = slot.job;
      slot.job = undefined;
      job?.reject(err);
      if (!this.closed) this.pump();
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`hasher thread exited (${code})`)));
    slot.worker = w;
    return w;
  }
}

let shared: Hasher | undefined;

/** One hasher per process unless a caller brings its own (tests, the bench). */
export function sharedHasher(): Hasher {
  return (shared ??= new Hasher());
}
