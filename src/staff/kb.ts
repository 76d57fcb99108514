import type { AddResult, KnowledgeBase } from '../knowledge/base.ts';
import { builtinFiles, expandPaths, prepareFile, type Prepared } from '../knowledge/ingest.ts';
import { LoadError } from '../knowledge/loaders/index.ts';
import type { Category } from '../store/types.ts';

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
  for (const f of files) {
    try {
      prepared.push(await prepareFile(f, { source: opts.sourceOf?.(f) ?? f, category: opts.category, maxBytes: opts.maxBytes }));
    } catch (err) {
      if (err instanceof LoadError) errors.push(err);
      else throw err;
    }
  }
  if (errors.length) throw new ImportErrors(errors);
  let results: AddResult[];
  try {
    results = await kb.putAll(prepared, {
      now: opts.now,
      onProgress: (done, p) => opts.onProgress?.(done, prepared.length, p.doc.source),
    });
  } finally {
    await kb.save();
  }
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

/** Loads the built-in knowledge/ into an empty knowledge base (once per data dir). */
export async function seedBuiltin(kb: KnowledgeBase, root: string, maxBytes: number): Promise<AddSummary | undefined> {
  if (kb.store.getMeta('seeded')) return undefined;
  const files = builtinFiles(root);
  const byPath = new Map(files.map((f) => [f.path, f.source]));
  const summary = await addFiles(
    kb,
    files.map((f) => f.path),
    { maxBytes, sourceOf: (p) => byPath.get(p) ?? p },
  );
  kb.store.setMeta('seeded', new Date().toISOString());
  return summary;
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
