import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';
import type { ChunkRecord, DocumentRecord, GapRecord, KnowledgeStore, NewDocument } from './types.ts';

export function openDatabase(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

/** Stable id from the source path: re-adding the same file replaces the same document. */
export function documentId(source: string): string {
  return 'doc-' + createHash('sha1').update(source).digest('hex').slice(0, 10);
}

interface DocRow {
  id: string;
  source: string;
  title: string;
  category: string;
  kind: string;
  region: string | null;
  effective: string | null;
  updated: string | null;
  version: string | null;
  format: string;
  sha256: string;
  bytes: number;
  status: string;
  meta: string;
  added_at: string;
  changed_at: string;
  chunk_count?: number;
}

interface ChunkRow {
  id: number;
  doc_id: string;
  ord: number;
  section: string | null;
  path: string;
  text: string;
  faq: string | null;
}

const toDoc = (r: DocRow): DocumentRecord => ({
  id: r.id,
  source: r.source,
  title: r.title,
  category: r.category as DocumentRecord['category'],
  kind: r.kind as DocumentRecord['kind'],
  region: r.region,
  effective: r.effective,
  updated: r.updated,
  version: r.version,
  format: r.format,
  sha256: r.sha256,
  bytes: r.bytes,
  status: r.status as DocumentRecord['status'],
  meta: JSON.parse(r.meta) as Record<string, unknown>,
  addedAt: r.added_at,
  changedAt: r.changed_at,
  chunkCount: r.chunk_count,
});

const toChunk = (r: ChunkRow): ChunkRecord => ({
  id: r.id,
  docId: r.doc_id,
  ord: r.ord,
  section: r.section,
  path: JSON.parse(r.path) as string[],
  text: r.text,
  ...(r.faq ? { faq: JSON.parse(r.faq) as ChunkRecord['faq'] } : {}),
});

const DOC_COLUMNS = `id, source, title, category, kind, region, effective, updated, version, format, sha256, bytes,
  status, meta, added_at, changed_at`;

export class SqliteKnowledgeStore implements KnowledgeStore {
  private readonly stmt;

  constructor(readonly db: Database.Database) {
    this.stmt = {
      docById: db.prepare<[string], DocRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE id = ?`),
      docBySource: db.prepare<[string], DocRow>(
        `SELECT ${DOC_COLUMNS}, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = documents.id) AS chunk_count FROM documents WHERE source = ?`,
      ),
      chunkById: db.prepare<[number], ChunkRow>('SELECT * FROM chunks WHERE id = ?'),
      chunkIdsOfDoc: db.prepare<[string], { id: number }>('SELECT id FROM chunks WHERE doc_id = ?'),
      insertChunk: db.prepare(
        'INSERT INTO chunks (doc_id, ord, section, path, text, faq) VALUES (@docId, @ord, @section, @path, @text, @faq)',
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    };
  }

  kbVersion(): number {
    return Number(this.getMeta('kb_version') ?? 0);
  }

  private bump(): void {
    this.setMeta('kb_version', String(this.kbVersion() + 1));
  }

  getDocument(id: string) {
    const r = this.stmt.docById.get(id);
    return r ? toDoc(r) : undefined;
  }

  getDocumentBySource(source: string) {
    const r = this.stmt.docBySource.get(source);
    return r ? toDoc(r) : undefined;
  }

  listDocuments(): DocumentRecord[] {
    return this.db
      .prepare<[], DocRow>(
        `SELECT ${DOC_COLUMNS.replace(/(\w+)/g, 'd.$1')}, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.id) AS chunk_count
         FROM documents d ORDER BY d.category, d.title, d.version`,
      )
      .all()
      .map(toDoc);
  }

  documentText(id: string) {
    return this.db.prepare<[string], { text: string; original: Buffer }>('SELECT text, original FROM documents WHERE id = ?').get(id);
  }

  putDocument(input: NewDocument, now: Date) {
    const at = now.toISOString();
    const id = documentId(input.doc.source);
    return this.db.transaction(() => {
      const old = this.stmt.docById.get(id);
      const replacedChunkIds = old ? this.stmt.chunkIdsOfDoc.all(id).map((r) => r.id) : [];
      const d = input.doc;
      const row = {
        id,
        source: d.source,
        title: d.title,
        category: d.category,
        kind: d.kind,
        region: d.region,
        effective: d.effective,
        updated: d.updated,
        version: d.version,
        format: d.format,
        sha256: d.sha256,
        bytes: d.bytes,
        status: old?.status ?? 'active',
        meta: JSON.stringify(d.meta),
        original: input.original,
        text: input.text,
        added_at: old?.added_at ?? at,
        changed_at: at,
      };
      if (old) {
        this.db.prepare('DELETE FROM chunks WHERE doc_id = ?').run(id);
        this.db
          .prepare(
            `UPDATE documents SET title=@title, category=@category, kind=@kind, region=@region, effective=@effective,
             updated=@updated, version=@version, format=@format, sha256=@sha256, bytes=@bytes, status=@status,
             meta=@meta, original=@original, text=@text, changed_at=@changed_at WHERE id=@id`,
          )
          .run(row);
      } else {
        this.db
          .prepare(
            `INSERT INTO documents (${DOC_COLUMNS}, original, text) VALUES (@id, @source, @title, @category, @kind, @region,
             @effective, @updated, @version, @format, @sha256, @bytes, @status, @meta, @added_at, @changed_at, @original, @text)`,
          )
          .run(row);
      }
      const chunks: ChunkRecord[] = input.chunks.map((c) => {
        const info = this.stmt.insertChunk.run({
          docId: id,
          ord: c.ord,
          section: c.section,
          path: JSON.stringify(c.path),
          text: c.text,
          faq: c.faq ? JSON.stringify(c.faq) : null,
        });
        return { ...c, id: Number(info.lastInsertRowid), docId: id };
      });
      this.bump();
      return { doc: toDoc(this.stmt.docById.get(id)!), chunks, replacedChunkIds };
    })();
  }

  removeDocument(id: string): number[] | undefined {
    return this.db.transaction(() => {
      if (!this.stmt.docById.get(id)) return undefined;
      const ids = this.stmt.chunkIdsOfDoc.all(id).map((r) => r.id);
      this.db.prepare('DELETE FROM chunks WHERE doc_id = ?').run(id);
      this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
      this.bump();
      return ids;
    })();
  }

  setDocumentStatus(id: string, status: DocumentRecord['status']): boolean {
    const changed = this.db.prepare('UPDATE documents SET status = ? WHERE id = ?').run(status, id).changes > 0;
    if (changed) this.bump();
    return changed;
  }

  chunksByIds(ids: number[]): ChunkRecord[] {
    const out: ChunkRecord[] = [];
    for (const id of ids) {
      const r = this.stmt.chunkById.get(id);
      if (r) out.push(toChunk(r));
    }
    return out;
  }

  chunksOfDocument(docId: string): ChunkRecord[] {
    return this.db.prepare<[string], ChunkRow>('SELECT * FROM chunks WHERE doc_id = ? ORDER BY ord').all(docId).map(toChunk);
  }

  chunkBySection(docId: string, section: string): ChunkRecord | undefined {
    const r = this.db.prepare<[string, string], ChunkRow>('SELECT * FROM chunks WHERE doc_id = ? AND section = ? ORDER BY ord LIMIT 1').get(docId, section);
    return r ? toChunk(r) : undefined;
  }

  *eachChunk(): Iterable<ChunkRecord> {
    for (const r of this.db.prepare<[], ChunkRow>('SELECT * FROM chunks ORDER BY id').iterate()) yield toChunk(r);
  }

  chunkDocIds(): Iterable<[number, string]> {
    return this.db.prepare<[], [number, string]>('SELECT id, doc_id FROM chunks').raw().iterate();
  }

  faqChunks(): ChunkRecord[] {
    return this.db.prepare<[], ChunkRow>('SELECT * FROM chunks WHERE faq IS NOT NULL ORDER BY id').all().map(toChunk);
  }

  chunkCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n;
  }

  logGap(question: string, channel: string | null, bestScore: number | null, now: Date): void {
    this.db
      .prepare('INSERT INTO gaps (question, asked_at, channel, best_score) VALUES (?, ?, ?, ?)')
      .run(question.slice(0, 500), now.toISOString(), channel, bestScore);
  }

  listGaps(limit = 200): GapRecord[] {
    return this.db
      .prepare<[number], { id: number; question: string; asked_at: string; channel: string | null; best_score: number | null }>(
        'SELECT * FROM gaps ORDER BY id DESC LIMIT ?',
      )
      .all(limit)
      .map((r) => ({ id: r.id, question: r.question, askedAt: r.asked_at, channel: r.channel, bestScore: r.best_score }));
  }

  getMeta(key: string): string | undefined {
    return this.stmt.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt.setMeta.run(key, value);
  }

  close(): void {
    this.db.close();
  }
}
