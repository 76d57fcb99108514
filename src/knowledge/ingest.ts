import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { CATEGORIES, DOCUMENT_FIELDS, type Category, type DocumentFields, type DocumentRecord, type NewDocument } from '../store/types.ts';
import { formatOf, LoadError, loadFile } from './loaders/index.ts';
import { count, MAX_PASSAGES, refuse } from './loaders/limits.ts';
import { renderPilot, loadPilot } from './pilot.ts';
import { regionOfText, regionOfTitle } from './places.ts';
import { fold } from './text.ts';
import { isLegalText, split, type DocKind } from './split.ts';

/** Turns files into documents ready to store: loaded, titled, categorised and split. */

export class InputError extends Error {}

const asString = (v: unknown): string | null => {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number') return String(v);
  return null;
};

export function parseCategory(value: string | undefined): Category | undefined {
  if (value === undefined) return undefined;
  const c = value.trim() as Category;
  if (!CATEGORIES.includes(c)) throw new InputError(`未知分类“${value}”。可选：${CATEGORIES.join(' / ')}`);
  return c;
}

function titleFromFileName(path: string): string {
  return basename(path, extname(path)).replace(/[(（]\d{4}-\d{2}-\d{2}[)）]$/, '').trim();
}

export function sourceLabel(sources: unknown): string | null {
  if (!Array.isArray(sources)) return asString(sources);
  const titles = sources.map((s) => (typeof s === 'object' && s ? asString((s as { title?: unknown }).title) : asString(s))).filter(Boolean);
  return titles.length ? titles.join('；') : null;
}

export interface Prepared extends NewDocument {
  /** The category was chosen on import (`--category`), not read from the file. */
  categoryGiven?: boolean;
}

/** Metadata staff changed by hand, with what the file itself said: `meta._edits`. */
export type Edits = Partial<Record<keyof DocumentFields, { file: string | null; value: string | null }>>;

export const editsOf = (meta: Record<string, unknown>): Edits => (meta._edits && typeof meta._edits === 'object' ? (meta._edits as Edits) : {});

/**
 * A new file for a document keeps the metadata staff edited, for each field the file gives as it did
 * before or leaves out (a file that now says something else about that field wins).
 */
export function applyEdits(p: Prepared, previous: DocumentRecord | undefined): Prepared {
  const edits = previous ? editsOf(previous.meta) : {};
  const kept: Edits = {};
  const doc: Record<string, unknown> = { ...p.doc };
  for (const f of DOCUMENT_FIELDS) {
    const e = edits[f];
    if (!e || (f === 'category' && p.categoryGiven) || (doc[f] != null && doc[f] !== e.file)) continue;
    doc[f] = e.value;
    kept[f] = e;
  }
  if (!Object.keys(kept).length) return p;
  const title = doc.title as string;
  const chunks = title === p.doc.title ? p.chunks : p.chunks.map((c) => (c.path[0] === p.doc.title ? { ...c, path: [title, ...c.path.slice(1)] } : c));
  return { ...p, doc: { ...(doc as Prepared['doc']), meta: { ...p.doc.meta, _edits: kept } }, chunks };
}

/** The region a document is about: from its title, the site it was saved from, or a page's opening lines. */
function regionOf(title: string, meta: Record<string, unknown>, page?: string): string | undefined {
  const site = typeof meta.site === 'string' ? meta.site : typeof meta.source === 'string' ? meta.source : '';
  return regionOfTitle(fold(title)) ?? (site ? regionOfTitle(fold(site)) : undefined) ?? (page ? regionOfText(fold(page.slice(0, 400))) : undefined);
}

export function buildDocument(args: {
  source: string;
  format: string;
  original: Buffer;
  text: string;
  title?: string;
  meta: Record<string, unknown>;
  category?: Category;
  fallbackTitle: string;
}): Prepared {
  const { meta } = args;
  const title = (args.title ?? asString(meta.title) ?? args.fallbackTitle).trim();
  const kind: DocKind = meta.type === 'faq' ? 'faq' : isLegalText(args.text) ? 'law' : 'doc';
  let category = args.category ?? (CATEGORIES.includes(meta.category as Category) ? (meta.category as Category) : undefined);
  category ??= kind === 'law' ? '法律法规' : '其他';
  const chunks = split(title, args.text, kind);
  if (chunks.length === 0) throw new LoadError(args.source, `无法导入 ${args.source}：没有可用的正文（只有标题或格式不对）。`);
  if (chunks.length > MAX_PASSAGES) throw refuse(args.source, `分段后超过 ${count(MAX_PASSAGES, '段')}`, count(MAX_PASSAGES, '段'));
  return {
    doc: {
      source: args.source,
      title,
      category,
      kind,
      region: asString(meta.region) ?? regionOf(title, meta, args.format === 'html' ? args.text : undefined) ?? null,
      effective: asString(meta.effective) ?? asString(meta.date),
      updated: asString(meta.updated),
      version: asString(meta.version) ?? asString(meta.effective) ?? asString(meta.date),
      format: args.format,
      sha256: createHash('sha256').update(args.original).digest('hex'),
      bytes: args.original.length,
      meta,
    },
    original: args.original,
    text: args.text,
    chunks,
    categoryGiven: Boolean(args.category),
  };
}

/** Loads one file; `source` is the path as the user gave it (what citations show). */
export async function prepareFile(path: string, opts: { source?: string; category?: Category; maxBytes: number }): Promise<Prepared> {
  const source = opts.source ?? path;
  if (extname(path).toLowerCase() === '.yaml' && basename(path).includes('pilot')) return preparePilot(path, source);
  const loaded = await loadFile(path, { maxBytes: opts.maxBytes });
  return buildDocument({
    source,
    format: loaded.format,
    original: loaded.original,
    text: loaded.text,
    title: loaded.title,
    meta: loaded.meta,
    category: opts.category,
    fallbackTitle: titleFromFileName(path),
  });
}

export function preparePilot(path: string, source: string): Prepared {
  const pilot = loadPilot(path);
  const { text, meta } = renderPilot(pilot);
  return buildDocument({ source, format: 'yaml', original: Buffer.from(text), text, meta, fallbackTitle: pilot.title });
}

/**
 * Expands the paths given to `kb add`: files as they are, folders to the supported files inside
 * (recursively, hidden ones skipped). A missing path is an error for the whole command.
 */
export function expandPaths(paths: string[]): { files: string[]; skipped: string[]; missing: LoadError[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  const missing: LoadError[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (formatOf(p)) files.push(p);
      else skipped.push(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(new LoadError(p, `无法导入 ${p}：文件不存在，请检查路径。`));
      continue;
    }
    if (st.isDirectory()) walk(p);
    else files.push(p);
  }
  return { files, skipped, missing };
}

/** The built-in knowledge base: every Markdown file under knowledge/ plus the rendered pilot data. */
export function builtinFiles(root: string): { path: string; source: string }[] {
  const dir = join(root, 'knowledge');
  const out: { path: string; source: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'lexicon') walk(p);
      } else if (name.endsWith('.md') && name.toLowerCase() !== 'readme.md') {
        out.push({ path: p, source: relative(root, p) });
      } else if (name === 'xinzhishang-pilot.yaml') {
        out.push({ path: p, source: relative(root, p) });
      }
    }
  };
  walk(dir);
  return out;
}
