import { isValidDay } from '../lib/dates.ts';
import type { AddResult, KnowledgeBase } from '../knowledge/base.ts';
import { builtinFiles, expandPaths, prepareFile, type Prepared } from '../knowledge/ingest.ts';
import { LoadError } from '../knowledge/loaders/index.ts';
import { prepareInWorker } from '../knowledge/loaders/sandbox.ts';
import type { AuditStore } from '../store/store.ts';
import { CATEGORIES, DOCUMENT_FIELDS, type Category, type DocumentFields, type DocumentRecord, type VersionRecord } from '../store/types.ts';
import { StaffError } from './errors.ts';

/** Staff actions on the knowledge base, shared by the CLI, chat commands and the console. */

export interface AddSummary {
  results: AddResult[];
  added: number;
  replaced: number;
  unchanged: number;
  chunks: number;
  bytes: number;
  seconds: number;
  skipped: string[];
}

export class ImportErrors extends Error {
  constructor(readonly errors: LoadError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

export interface AddOptions {
  category?: Category;
  maxBytes: number;
  /** Called as files are stored: (done, total, current file). */
  onProgress?: (done: number, total: number, file: string) => void;
  /** Source label per path (the built-in files use knowledge/...). */
  sourceOf?: (path: string) => string;
  now?: Date;
  /** Who imports (recorded with each new version). */
  actor?: string;
  /** Parse on this thread: only for the built-in knowledge/, which is ours and known to be safe. */
  inline?: boolean;
}

/**
 * Adds files and folders. Every file is read and split first; if any is unusable, nothing is
 * stored and all problems are reported together. Then each file is stored in its own transaction.
 */
export async function addFiles(kb: KnowledgeBase, paths: string[], opts: AddOptions): Promise<AddSummary> {
  const started = performance.now();
  const { files, skipped, missing } = expandPaths(paths);
  if (files.length === 0 && !missing.length) throw new ImportErrors([new LoadError(paths.join(' '), `没有找到可导入的文件：${paths.join('、')}（支持 .md .txt .html .docx .pdf）。`)]);
  const prepared: Prepared[] = [];
  const errors: LoadError[] = [...missing];
  // Files from staff are parsed in the worker thread: a hostile one costs the worker, not the chat.
  const prepare = opts.inline ? prepareFile : prepareInWorker;
  for (const f of files) {
    try {
      prepared.push(await prepare(f, { source: opts.sourceOf?.(f) ?? f, category: opts.category, maxBytes: opts.maxBytes }));
    } catch (err) {
      if (err instanceof LoadError) errors.push(err);
      else throw err;
    }
  }
  if (errors.length) throw new ImportErrors(errors);
  // marked until every file is stored: a process killed midway leaves it for `kb list` and the next import to report
  kb.store.setMeta(PENDING, JSON.stringify({ at: (opts.now ?? new Date()).toISOString(), files: prepared.map((p) => p.doc.source), actor: opts.actor ?? null }));
  let results: AddResult[];
  try {
    results = await kb.putAll(prepared, {
      now: opts.now,
      actor: opts.actor,
      onProgress: (done, p) => opts.onProgress?.(done, prepared.length, p.doc.source),
    });
  } finally {
    await kb.save();
  }
  kb.store.setMeta(PENDING, '');
  const count = (s: AddResult['status']) => results.filter((r) => r.status === s).length;
  return {
    results,
    added: count('added'),
    replaced: count('replaced'),
    unchanged: count('unchanged'),
    chunks: results.reduce((s, r) => s + (r.status === 'unchanged' ? 0 : r.chunks), 0),
    bytes: prepared.reduce((s, p) => s + p.doc.bytes, 0),
    seconds: (performance.now() - started) / 1000,
    skipped,
  };
}

const PENDING = 'import_pending';

export interface PendingImport {
  at: string;
  files: string[];
  /** How many of them are stored. */
  stored: number;
}

/** An import that did not finish (the process was killed, the disk filled up), if there is one. */
export function pendingImport(kb: KnowledgeBase): PendingImport | undefined {
  const raw = kb.store.getMeta(PENDING);
  if (!raw) return undefined;
  try {
    const p = JSON.parse(raw) as { at: string; files: string[] };
    return { at: p.at, files: p.files, stored: p.files.filter((f) => kb.store.getDocumentBySource(f)).length };
  } catch {
    return undefined;
  }
}

export function describePending(p: PendingImport): string {
  const when = p.at.slice(0, 16).replace('T', ' ');
  return `注意：${when}（UTC）开始的一次导入没有做完：${p.files.length} 个文件里已存入 ${p.stored} 个。再导入一次同样的文件，已存入的会跳过，其余的补上。`;
}

/**
 * Loads the built-in knowledge/ into the knowledge base: everything on a new data dir, and on an
 * existing one the built-in files a release added since (a file staff removed is not brought back).
 */
export async function seedBuiltin(kb: KnowledgeBase, root: string, maxBytes: number): Promise<AddSummary | undefined> {
  const files = builtinFiles(root);
  const seen = seenBuiltins(kb, files);
  const fresh = files.filter((f) => !seen.has(f.source));
  if (!fresh.length) return undefined;
  const byPath = new Map(fresh.map((f) => [f.path, f.source]));
  const summary = await addFiles(
    kb,
    fresh.map((f) => f.path),
    // Parsed inline: our own files, and starting a worker would cost start-up time and memory for nothing.
    { maxBytes, sourceOf: (p) => byPath.get(p) ?? p, inline: true },
  );
  kb.store.setMeta('builtin', JSON.stringify([...seen, ...fresh.map((f) => f.source)]));
  kb.store.setMeta('seeded', kb.store.getMeta('seeded') ?? new Date().toISOString());
  return summary;
}

/** The built-in files this data dir has loaded before (a data dir seeded before laws shipped had all but those). */
function seenBuiltins(kb: KnowledgeBase, files: { source: string }[]): Set<string> {
  const list = kb.store.getMeta('builtin');
  if (list) return new Set(JSON.parse(list) as string[]);
  if (!kb.store.getMeta('seeded')) return new Set();
  return new Set(files.map((f) => f.source).filter((s) => !s.startsWith('knowledge/laws/')));
}

export async function removeDocument(kb: KnowledgeBase, docId: string) {
  const doc = await kb.remove(docId);
  await kb.save();
  return doc;
}

/** Takes a document out of answers (disabled) or puts it back (active); the stored document is kept. */
export async function setDocumentStatus(kb: KnowledgeBase, docId: string, status: 'active' | 'disabled'): Promise<boolean> {
  const ok = await kb.setStatus(docId, status);
  if (ok) await kb.save();
  return ok;
}

/** What staff typed for a document's metadata; undefined leaves a field as it is, '' clears it. */
export type DocumentChanges = Partial<Record<keyof DocumentFields, string>>;

export const FIELD_NAMES: Record<keyof DocumentFields, string> = { title: '标题', category: '分类', region: '地区', effective: '生效日期', version: '版本' };

/** Checks the changes: a title is required, the category must be one of ours, a date a real date. */
export function parseDocumentChanges(input: DocumentChanges): Partial<DocumentFields> {
  const out: Partial<Record<keyof DocumentFields, string | null>> = {};
  for (const f of DOCUMENT_FIELDS) {
    const v = input[f]?.trim();
    if (v === undefined) continue;
    if (f === 'title') {
      if (!v) throw new StaffError('标题不能为空。');
      if ([...v].length > 200) throw new StaffError('标题太长了（最多 200 个字）。');
    } else if (f === 'category') {
      if (!CATEGORIES.includes(v as Category)) throw new StaffError(`未知分类“${v}”。可选：${CATEGORIES.join(' / ')}`);
    } else if (f === 'effective') {
      if (v && !isValidDay(v)) throw new StaffError(`生效日期“${v}”不对，请写成 2026-10-01 这样的日期（留空表示不填）。`);
    } else if ([...v].length > 50) throw new StaffError(`${FIELD_NAMES[f]}太长了（最多 50 个字）。`);
    out[f] = f === 'title' || f === 'category' ? v : v || null;
  }
  return out as Partial<DocumentFields>;
}

/**
 * Changes a document's metadata; citations show the new title at once (the document is re-indexed).
 * Returns the fields that changed, [from, to], also written to the audit log as `kb.edit`.
 */
export async function editDocument(
  kb: KnowledgeBase,
  audit: AuditStore,
  docId: string,
  input: DocumentChanges,
  actor: string,
  now: Date,
): Promise<{ doc: DocumentRecord; changes: Partial<Record<keyof DocumentFields, [string | null, string | null]>> }> {
  const current = kb.store.getDocument(docId);
  if (!current) throw new StaffError(`找不到文档 ${docId}。`);
  // a field sent back as it is stays as it is, even if it was stored in a form we would not accept now
  const sent = Object.fromEntries(Object.entries(input).filter(([f, v]) => v !== undefined && v.trim() !== (current[f as keyof DocumentFields] ?? '')));
  const fields = parseDocumentChanges(sent);
  const r = await kb.edit(docId, fields, now);
  if (!r) throw new StaffError(`找不到文档 ${docId}。`);
  const changes: Partial<Record<keyof DocumentFields, [string | null, string | null]>> = {};
  for (const f of DOCUMENT_FIELDS) if (r.before[f] !== r.doc[f]) changes[f] = [r.before[f], r.doc[f]];
  if (Object.keys(changes).length) {
    await kb.save();
    await audit.add(actor, 'kb.edit', docId, { changes }, now);
  }
  return { doc: r.doc, changes };
}

/** A document's versions, newest first. */
export function documentHistory(kb: KnowledgeBase, docId: string): { doc: DocumentRecord; versions: VersionRecord[] } {
  const doc = kb.store.getDocument(docId);
  if (!doc) throw new StaffError(`找不到文档 ${docId}。`);
  return { doc, versions: kb.store.documentVersions(docId) };
}

/** Makes version `n` current again, as a new version; written to the audit log as `kb.rollback`. */
export async function rollbackDocument(kb: KnowledgeBase, audit: AuditStore, docId: string, n: number, actor: string, now: Date): Promise<AddResult> {
  const { versions } = documentHistory(kb, docId);
  const v = versions.find((x) => x.n === n);
  if (!Number.isInteger(n) || !v) throw new StaffError(`文档 ${docId} 没有第 ${n} 版。可用的版本：${versions.map((x) => x.n).join('、')}。`);
  if (v.current) throw new StaffError(`第 ${n} 版就是现在在用的版本，不用回退。`);
  const r = await kb.rollback(docId, n, now, actor);
  if (!r) throw new StaffError(`第 ${n} 版的原文没有保存下来，无法回退。`);
  await kb.save();
  const to = kb.store.documentVersions(docId)[0]!.n;
  await audit.add(actor, 'kb.rollback', docId, { from: versions[0]!.n, to: n, version: to }, now);
  return r;
}
