import type { AnswerWriter } from '../llm/answer.ts';
import { requestAddress } from '../lib/address.ts';
import { sharedHasher, type Hasher } from '../staff/hasher.ts';
import { SignIn } from '../staff/sign-in.ts';
import { basename } from 'node:path';
import type { Context } from 'hono';
import type { KnowledgeBase } from '../knowledge/base.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { ConsoleSession } from '../store/types.ts';
import type { Value } from './html.ts';
import { page, type Frame } from './pages.ts';

/** What every console router shares: its dependencies, the clock, the audit log, and the page frame. */

export interface ConsoleDeps {
  kb: KnowledgeBase;
  records: Store;
  log: Logger;
  maxFileBytes: number;
  adminToken?: string;
  clock?: () => Date;
  /** Hours a session lasts (default 12). */
  sessionHours?: number;
  /** Rows per page in long lists (default 50). */
  pageSize?: number;
  /** With an LLM configured: 试一试 shows the answer workers get, written by the model, beside the extractive one. */
  writer?: AnswerWriter;
  /** Password hashing off the main thread (default: the process's shared hasher). */
  hasher?: Hasher;
  /** Proxies in front of the server (TRUST_PROXY): the client address is then read from X-Forwarded-For. */
  trustProxy?: number;
  /** Most rows of sign-in failures kept (default 10,000). */
  signInMaxRows?: number;
}

/** The line a change leaves for the next page of the same session (not in the URL). */
export interface FlashBox {
  put(kind: 'ok' | 'error', text: string): Promise<void>;
  /** The waiting line, once: a page that shows it clears it. */
  take(): Frame['flash'];
}

export type Env = { Variables: { session: ConsoleSession; actor: string; flash: FlashBox } };

export const BASE = '/console';
export const COOKIE = 'gongyou_console';

export interface ConsoleCtx {
  deps: ConsoleDeps;
  kb: KnowledgeBase;
  records: Store;
  now: () => Date;
  pageSize: number;
  audit: (actor: string, action: string, target: string, detail?: Record<string, unknown>) => Promise<void>;
  hasher: Hasher;
  signIn: SignIn;
  /** The client address (group) of a request, as the sign-in limits count it. */
  address: (c: Context) => string;
}

export function consoleCtx(deps: ConsoleDeps): ConsoleCtx {
  const now = deps.clock ?? (() => new Date());
  const hasher = deps.hasher ?? sharedHasher();
  return {
    hasher,
    signIn: new SignIn(deps.records, hasher, { adminToken: deps.adminToken, now, maxRows: deps.signInMaxRows }),
    address: (c) => requestAddress(c, deps.trustProxy),
    deps,
    kb: deps.kb,
    records: deps.records,
    now,
    pageSize: deps.pageSize ?? 50,
    audit: (actor, action, target, detail = {}) => deps.records.audit.add(actor, action, target, detail, now()),
  };
}

/** The frame of a signed-in page; the flash is the one a change left in the session, if any. */
export function frame(c: Context<Env>, title: string, active?: string, flash?: Frame['flash']): Frame {
  return { title, user: c.get('session').name, csrf: c.get('session').csrf, active, flash: flash ?? c.get('flash').take() };
}

export const render = (c: Context<Env>, f: Frame, body: Value, status: 200 | 400 | 404 = 200) => c.html(page(f, body), status);

/** After a change: back to a page (303, so a reload does not repeat it), which says what happened. */
export async function back(c: Context<Env>, to: string, kind: 'ok' | 'error', text: string) {
  await c.get('flash').put(kind, text.slice(0, 500));
  return c.redirect(to, 303);
}

/** A query string of the filters that are set (for links that keep them). */
export const query = (f: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => Boolean(e[1]))).toString();

export function csv(c: Context, filename: string, body: string) {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="export.csv"; filename*=UTF-8''${encodeURIComponent(filename)}`);
  return c.body(body);
}

/**
 * Only paths inside the console (no open redirect), in printable ASCII (the pages build them
 * URL-encoded): a line break or any other control character could not go in a Location header.
 */
export function safeBack(v: unknown, fallback: string): string {
  return typeof v === 'string' && v.length <= 2000 && /^\/console(\/|\?|$)/.test(v) && /^[\x21-\x7e]*$/.test(v) && !v.includes('\\') ? v : fallback;
}

/** A file name as uploaded, without folders or characters a file system dislikes. */
export function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"|?*]/g, '_').trim();
  return base && base !== '.' && base !== '..' ? base.slice(0, 120) : 'upload.txt';
}
