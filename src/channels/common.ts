import type { Incoming, Reply } from '../lib/types.ts';
import type { Logger } from '../log.ts';
import type { Engine } from './types.ts';

/** Helpers every adapter shares: splitting long texts, running a turn so nothing escapes. */

/**
 * Splits a text into pieces of at most `max` characters, at a paragraph, then a line, then a
 * sentence end, then anywhere. Characters are counted as the platforms count them (UTF-16 units),
 * or by `size` (e.g. `utf8Bytes` for a platform that limits bytes).
 */
export function splitText(text: string, max: number, size: (s: string) => number = (s) => s.length): string[] {
  if (!Number.isFinite(max) || size(text) <= max) return [text];
  const out: string[] = [];
  let rest = text;
  while (size(rest) > max) {
    const n = fitting(rest, max, size);
    const window = rest.slice(0, n);
    let cut = -1;
    for (const sep of ['\n\n', '\n', '。', '！', '？', '；', '. ', '，', ' ']) {
      const i = window.lastIndexOf(sep);
      if (i >= n * 0.5) {
        cut = i + sep.length;
        break;
      }
    }
    if (cut <= 0) cut = n;
    // never cut a surrogate pair in two
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\n+/, '');
  }
  if (rest.trim()) out.push(rest);
  return out.filter((p) => p.length);
}

/** A text's length in UTF-8 bytes. */
export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The longest prefix (in UTF-16 units) of `text` whose size is at most `max`. */
function fitting(text: string, max: number, size: (s: string) => number): number {
  if (size(text.slice(0, max)) <= max) return Math.min(max, text.length);
  let lo = 1;
  let hi = Math.min(max, text.length);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (size(text.slice(0, mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Runs one message through the engine and sends what comes back. A failing handler or a failing
 * send is logged (ids only, never texts) and swallowed: one bad message never stops a channel.
 */
export async function runTurn(
  engine: Engine,
  incoming: Incoming,
  send: (replies: Reply[]) => Promise<void>,
  log: Logger,
): Promise<Reply[]> {
  let replies: Reply[];
  try {
    replies = await engine.handle(incoming);
  } catch (err) {
    log.error({ err, channel: incoming.channel }, 'engine failed on a message');
    return [];
  }
  if (!replies.length) return replies;
  try {
    await send(replies);
  } catch (err) {
    log.warn({ err: errText(err), channel: incoming.channel }, 'sending a reply failed');
  }
  return replies;
}

/** An error as a short string for the logs (platform errors can carry whole request bodies). */
export function errText(err: unknown): string {
  const s = err instanceof Error ? err.message : String(err);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** The "来源：" block of an answer ("[1] …" lines), for channels that show sources their own way. */
export function withoutSourceBlock(text: string, heading = '来源：'): string {
  const re = new RegExp(`\\n*${heading}\\n(?:\\[\\d+\\][^\\n]*(?:\\n|$))+`, 'u');
  return text.replace(re, '\n').trim();
}

/**
 * The text without the numbered list of its choices ("1. 同意\n2. 不同意") that the engine appends
 * for channels without buttons; for channels that show the choices as buttons.
 */
export function withoutChoiceList(text: string, choices: string[] | undefined): string {
  if (!choices?.length) return text;
  const list = choices.map((c, i) => `${i + 1}. ${c}`).join('\n');
  const t = text.trimEnd();
  if (!t.endsWith(list)) return text;
  const rest = t.slice(0, t.length - list.length);
  if (rest && !rest.endsWith('\n')) return text;
  return rest.trimEnd() || text;
}

/** Resolves after `ms` (with `jitter` ms of random extra), unless the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Serialises sends with a minimum interval plus random jitter between them: what keeps a personal
 * WeChat account under the platform's risk-control limits. Each send's own error goes to its caller.
 */
export class SendQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private last = 0;
  private pending = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly jitterMs: number,
    private readonly maxPending = 200,
    private readonly random: () => number = Math.random,
  ) {}

  get size(): number {
    return this.pending;
  }

  push<T>(fn: () => Promise<T>): Promise<T> {
    if (this.pending >= this.maxPending) return Promise.reject(new Error('send queue full'));
    this.pending++;
    const run = this.tail.then(async () => {
      const gap = this.intervalMs + Math.floor(this.random() * this.jitterMs);
      const wait = this.last + gap - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return await fn();
      } finally {
        this.last = Date.now();
        this.pending--;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
