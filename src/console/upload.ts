import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KnowledgeBase } from '../knowledge/base.ts';
import { StaffError } from '../staff/errors.ts';
import { addFiles, ImportErrors, type AddOptions, type AddSummary } from '../staff/kb.ts';
import { BASE, safeName } from './context.ts';
import { html, type Value } from './html.ts';

/** Files uploaded from the console go through the same staff action as `kb add`. */

export type UploadOutcome = { name: string; summary: AddSummary; messages?: undefined } | { name: string; summary?: undefined; messages: string[] };

/** The files of a multipart form field (a browser sends an empty part when none was chosen). */
export function uploadedFiles(field: unknown): File[] {
  return ([] as unknown[]).concat(field ?? []).filter((f): f is File => typeof f === 'object' && f !== null && 'arrayBuffer' in f && Boolean((f as File).name));
}

/**
 * Imports one uploaded file. The loaders read files, so it is written to a private temporary folder
 * first (removed afterwards); messages name the file as uploaded, never the server's path.
 */
export async function importUpload(kb: KnowledgeBase, file: File, opts: AddOptions): Promise<UploadOutcome> {
  const name = safeName(file.name);
  const dir = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  const path = join(dir, name);
  try {
    writeFileSync(path, Buffer.from(await file.arrayBuffer()));
    return { name, summary: await addFiles(kb, [path], { ...opts, sourceOf: opts.sourceOf ?? (() => `console/${name}`) }) };
  } catch (err) {
    const messages = err instanceof ImportErrors ? err.errors.map((e) => e.message) : err instanceof StaffError ? [err.message] : undefined;
    if (!messages) throw err;
    return { name, messages: messages.map((m) => m.split(path).join(name).split(dir).join('')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TEMP_PREFIX = 'gongyou-upload-';

/**
 * Removes upload folders a crashed server left in the temporary directory (older than an hour, so
 * an upload another server is reading right now is left alone).
 */
export function sweepUploadTemp(now = Date.now(), root = tmpdir()): number {
  let removed = 0;
  for (const name of readdirSync(root)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = join(root, name);
    try {
      if (now - statSync(dir).mtimeMs < 3_600_000) continue;
      rmSync(dir, { recursive: true, force: true });
      removed++;
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** A row per document an upload stored: new, replaced (a new version) or unchanged. */
export function uploadRows(name: string, summary: AddSummary): Value[][] {
  const rows: Value[][] = summary.results.map((r) => {
    const what = r.status === 'added' ? '新增' : r.status === 'replaced' ? '已替换旧版本' : '内容没有变化';
    return [name, html`<span class="badge green">${what}</span>`, html`<a href="${BASE}/kb/doc/${encodeURIComponent(r.doc.id)}">${r.doc.title}</a>（${r.chunks} 段）`];
  });
  if (summary.skipped.length) rows.push([name, html`<span class="badge red">未导入</span>`, '不支持这种文件（支持 .md .txt .html .docx .pdf）。']);
  return rows;
}
