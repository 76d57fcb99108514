import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { dayOf } from '../lib/dates.ts';
import { MIGRATIONS } from './migrations.ts';
import type { ChunkRecord, DocumentFields, DocumentRecord, GapRecord, KnowledgeStore, NewDocument, QuestionOutcome, VersionOrigin, VersionRecord } from './types.ts';

/**
 * The database file, created and migrated as needed. `upTo` stops at an older schema version
 * (tests that build a database as an earlier release left it); the default is the latest.
 */
export function openDatabase(file: string, upTo: number = MIGRATIONS.length): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < upTo; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

/** How many migrations the database has had (SQLite's `user_version`). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** A read-only look at a data dir's database, as another process has it (for checks from outside a running assistant). */
export function openReadOnly(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
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

/** The columns a document and each of its stored versions share. */
type DescRow = Pick<DocRow, 'title' | 'category' | 'kind' | 'region' | 'effective' | 'updated' | 'version' | 'format' | 'sha256' | 'bytes' | 'meta'>;
const toDesc = (r: DescRow) => ({
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
  meta: JSON.parse(r.meta) as Record<string, unknown>,
});

const toDoc = (r: DocRow): DocumentRecord => ({
  id: r.id,
  source: r.source,
  ...toDesc(r),
  status: r.status as DocumentRecord['status'],
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

interface VersionRow extends DescRow {
  doc_id: string;
  n: number;
  at: string;
  actor: string | null;
  reason: string;
  rollback_of: number | null;
  chunks: number;
  original?: Buffer | null;
  text?: string | null;
}

const toVersion = (r: VersionRow, current: boolean): VersionRecord => ({
  docId: r.doc_id,
  n: r.n,
  at: r.at,
  actor: r.actor,
  reason: r.reason as VersionRecord['reason'],
  rollbackOf: r.rollback_of,
  ...toDesc(r),
  chunks: r.chunks,
  current,
});

const VERSION_COLUMNS = `doc_id, n, at, actor, reason, rollback_of, title, category, kind, region, effective, updated, version,
  format, sha256, bytes, chunks, meta`;

const DOC_COLUMNS = `id, source, title, category, kind, region, effective, updated, version, format, sha256, bytes,
  status, meta, added_at, changed_at`;

/** The descriptive columns a document row and its version rows share (meta as stored: JSON). */
const descColumns = (d: DescRow): DescRow => ({
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
  meta: d.meta,
});

const versionRow = (d: DocRow) => ({ doc_id: d.id, ...descColumns(d) });

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
      lastVersion: db.prepare<[string], { n: number }>('SELECT MAX(n) AS n FROM document_versions WHERE doc_id = ?'),
      insertVersion: db.prepare(
        `INSERT INTO document_versions (${VERSION_COLUMNS}, original, text) VALUES (@doc_id, @n, @at, @actor, @reason, @rollback_of,
         @title, @category, @kind, @region, @effective, @updated, @version, @format, @sha256, @bytes, @chunks, @meta, @original, @text)`,
      ),
      keepVersion: db.prepare('UPDATE document_versions SET original = ?, text = ? WHERE doc_id = ? AND n = ?'),
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

  putDocument(input: NewDocument, now: Date, origin: VersionOrigin = {}) {
    const at = now.toISOString();
    const id = documentId(input.doc.source);
    return this.db.transaction(() => {
      const old = this.stmt.docById.get(id);
      const replacedChunkIds = old ? this.stmt.chunkIdsOfDoc.all(id).map((r) => r.id) : [];
      const oldBody = old && this.documentText(id);
      const d = input.doc;
      const row = {
        id,
        source: d.source,
        ...descColumns({ ...d, meta: JSON.stringify(d.meta) }),
        status: old?.status ?? 'active',
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
      this.recordVersion(id, old && oldBody && { row: old, body: oldBody, chunks: replacedChunkIds.length }, row, chunks.length, origin);
      this.bump();
      return { doc: toDoc(this.stmt.docById.get(id)!), chunks, replacedChunkIds };
    })();
  }

  /**
   * Adds the version just stored; the one it replaces keeps a copy of its original and text (a
   * document stored before versions were kept gets its history started with it).
   */
  private recordVersion(
    id: string,
    old: { row: DocRow; body: { original: Buffer; text: string }; chunks: number } | undefined,
    row: DocRow,
    chunks: number,
    origin: VersionOrigin,
  ): void {
    let last = this.stmt.lastVersion.get(id)?.n ?? 0;
    if (old && last === 0) {
      const r = old.row;
      this.stmt.insertVersion.run({ ...versionRow(r), n: 1, at: r.changed_at, actor: null, reason: 'existing', rollback_of: null, chunks: old.chunks, ...old.body });
      last = 1;
    } else if (old) {
      this.stmt.keepVersion.run(old.body.original, old.body.text, id, last);
    }
    this.stmt.insertVersion.run({
      ...versionRow(row),
      n: last + 1,
      at: row.changed_at,
      actor: origin.actor ?? null,
      reason: origin.reason ?? (old ? 'replaced' : 'added'),
      rollback_of: origin.rollbackOf ?? null,
      chunks,
      original: null,
      text: null,
    });
  }

  updateDocumentFields(id: string, fields: DocumentFields, meta: Record<string, unknown>, now: Date) {
    return this.db.transaction(() => {
      const old = this.stmt.docById.get(id);
      if (!old) return undefined;
      this.db
        .prepare(
          `UPDATE documents SET title=@title, category=@category, region=@region, effective=@effective, version=@version,
           meta=@meta, changed_at=@at WHERE id=@id`,
        )
        .run({ ...fields, meta: JSON.stringify(meta), at: now.toISOString(), id });
      // the current version carries the metadata it had when last current (what a rollback restores)
      this.db
        .prepare(
          `UPDATE document_versions SET title=@title, category=@category, region=@region, effective=@effective, version=@version,
           meta=@meta WHERE doc_id=@id AND n=(SELECT MAX(n) FROM document_versions WHERE doc_id=@id)`,
        )
        .run({ ...fields, meta: JSON.stringify(meta), id });
      if (fields.title !== old.title) {
        const update = this.db.prepare('UPDATE chunks SET path = ? WHERE id = ?');
        for (const c of this.chunksOfDocument(id)) update.run(JSON.stringify([fields.title, ...c.path.slice(1)]), c.id);
      }
      this.bump();
      return { doc: toDoc(this.stmt.docBySource.get(old.source)!), chunks: this.chunksOfDocument(id) };
    })();
  }

  documentVersions(id: string): VersionRecord[] {
    const rows = this.db.prepare<[string], VersionRow>(`SELECT ${VERSION_COLUMNS} FROM document_versions WHERE doc_id = ? ORDER BY n DESC`).all(id);
    return rows.map((r, i) => toVersion(r, i === 0));
  }

  documentVersion(id: string, n: number) {
    const r = this.db.prepare<[string, number], VersionRow>(`SELECT ${VERSION_COLUMNS}, original, text FROM document_versions WHERE doc_id = ? AND n = ?`).get(id, n);
    if (!r) return undefined;
    const current = (this.stmt.lastVersion.get(id)?.n ?? 0) === n;
    const body = current ? this.documentText(id) : r.original && r.text !== null && r.text !== undefined ? { original: r.original, text: r.text } : undefined;
    return body && { ...toVersion(r, current), ...body };
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

  purgeQuestionLogs(before: Date): number {
    return this.db.transaction(() => {
      const gaps = this.db.prepare('DELETE FROM gaps WHERE asked_at < ?').run(before.toISOString()).changes;
      return gaps + this.db.prepare('DELETE FROM question_outcomes WHERE day < ?').run(dayOf(before)).changes;
    })();
  }

  logQuestion(outcome: QuestionOutcome, channel: string | null, now: Date): void {
    this.db.prepare('INSERT INTO question_outcomes (day, channel, outcome) VALUES (?, ?, ?)').run(dayOf(now), channel, outcome);
  }

  questionsPerDay(fromDay: string) {
    return this.db
      .prepare<[string], { day: string; answered: number; notSure: number }>(
        `SELECT day, SUM(outcome = 'answered') AS answered, SUM(outcome = 'not_sure') AS notSure
         FROM question_outcomes WHERE day >= ? GROUP BY day ORDER BY day`,
      )
      .all(fromDay);
  }

  questionOutcomes() {
    return this.db
      .prepare<[], { day: string; channel: string | null; outcome: QuestionOutcome }>('SELECT day, channel, outcome FROM question_outcomes ORDER BY id')
      .all();
  }

  getMeta(key: string): string | undefined {
    return this.stmt.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt.setMeta.run(key, value);
  }

  removeMeta(key: string): void {
    this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
  }

  close(): void {
    this.db.close();
  }
}
