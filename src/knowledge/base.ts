import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { VectorStore } from '@langchain/core/vectorstores';
import type { Logger } from '../log.ts';
import { DOCUMENT_FIELDS, type ChunkRecord, type DocumentFields, type DocumentRecord, type KnowledgeStore, type VersionOrigin } from '../store/types.ts';
import { Bm25Index } from './bm25.ts';
import type { CoverageTexts } from './coverage.ts';
import type { Entitlements } from './entitlements.ts';
import type { Pilot } from './pilot.ts';
import { FaqMatcher } from './faq.ts';
import { applyEdits, editsOf, type Edits, type Prepared } from './ingest.ts';
import { questionsFor, type WorkerQuestions } from './worker-questions.ts';
import type { Lexicon } from './lexicon.ts';
import { split } from './split.ts';
import { TOKENIZER_ID, type Tokenizer } from './tokenize.ts';
import { HnswIndex, LangChainIndex, type VectorIndex } from './vector.ts';

/** The saved vector index's layout: indexes saved in another are rebuilt. */
const VECTOR_FORMAT = 'hnsw2';

/** Longest stretch of importing between two turns of the event loop. */
const TURN_MS = 50;

/** Chunks tokenised between two turns of the event loop while a document is indexed. */
const INDEX_SLICE = 200;

/** What the index files were built from; any difference means they are rebuilt from the database. */
interface IndexState {
  dir: string;
  kbVersion: number;
  lexicon: string;
  embedder: string;
}

export interface KnowledgeBaseDeps {
  store: KnowledgeStore;
  tokenizer: Tokenizer;
  lexicon: Lexicon;
  embeddings: EmbeddingsInterface;
  embedderId: string;
  /** Weight of vector ranks against BM25 ranks in the fusion (see createEmbeddings). */
  vectorWeight?: number;
  /** Worker-style questions indexed with the law articles and document sections they ask about. */
  workerQuestions?: WorkerQuestions;
  /** Where index files live; undefined keeps them in memory only. */
  indexDir?: string;
  /** A vector store other than the default HNSW (any LangChain VectorStore). */
  vectorStore?: VectorStore;
  /** The tables answers are computed from (新职伤 pilot, labour-law entitlements). */
  tables?: Tables;
  log?: Logger;
}

export interface Tables {
  pilot?: Pilot;
  entitlements?: Entitlements;
  coverage?: CoverageTexts;
}

export interface AddResult {
  doc: DocumentRecord;
  status: 'added' | 'replaced' | 'unchanged';
  chunks: number;
}

/** Text a chunk is indexed under: its path (title, chapter, article) plus its body. */
export function indexText(chunk: Pick<ChunkRecord, 'path' | 'text' | 'faq'>): string {
  const head = chunk.path.join(' ');
  if (chunk.faq) return `${chunk.faq.question}\n${chunk.faq.variants.join('\n')}\n${chunk.text}`;
  return `${head}\n${chunk.text}`;
}

/** Split as the file's own title says (headings equal to it are not sections), cited under `title`. */
function splitAs(title: string, fileTitle: string, text: string, kind: DocumentRecord['kind']) {
  const chunks = split(fileTitle, text, kind);
  return title === fileTitle ? chunks : chunks.map((c) => (c.path[0] === fileTitle ? { ...c, path: [title, ...c.path.slice(1)] } : c));
}

/**
 * The knowledge base: documents in the store, and the indexes derived from them (BM25, vectors,
 * FAQ questions). Changes go to the store first, in one transaction per document; the indexes are
 * updated in memory and saved into a fresh folder that replaces the old one only when complete,
 * so a crash at any point leaves a usable state (at worst the indexes are rebuilt on next open).
 */
export class KnowledgeBase {
  readonly store: KnowledgeStore;
  readonly tokenizer: Tokenizer;
  readonly log?: Logger;
  readonly vectorWeight: number;
  readonly tables: Tables;
  bm25 = new Bm25Index();
  faq: FaqMatcher;
  vectors!: VectorIndex;
  /** chunk id → document id, for version ranking and citation look-ups. */
  readonly chunkDoc = new Map<number, string>();
  docs = new Map<string, DocumentRecord>();
  /** Documents with a later version of the same title: ranked lower. */
  superseded = new Set<string>();
  private dirty = false;
  /** The database's knowledge version the indexes in memory hold (see follow). */
  private indexed = -1;

  private constructor(private readonly deps: KnowledgeBaseDeps) {
    this.store = deps.store;
    this.tokenizer = deps.tokenizer;
    this.log = deps.log;
    this.vectorWeight = deps.vectorWeight ?? 0.15;
    this.tables = deps.tables ?? {};
    this.faq = new FaqMatcher(deps.tokenizer);
  }

  static async open(deps: KnowledgeBaseDeps): Promise<KnowledgeBase> {
    const kb = new KnowledgeBase(deps);
    await kb.load();
    return kb;
  }

  private stateFile(): string | undefined {
    return this.deps.indexDir && join(this.deps.indexDir, 'state.json');
  }

  private readState(): IndexState | undefined {
    const f = this.stateFile();
    if (!f || !existsSync(f)) return undefined;
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as IndexState;
    } catch {
      return undefined;
    }
  }

  private async load(): Promise<void> {
    const version = this.store.kbVersion();
    this.refreshDocs();
    const state = this.readState();
    const fresh =
      state &&
      state.kbVersion === this.store.kbVersion() &&
      state.lexicon === this.fingerprint() &&
      state.embedder === this.deps.embedderId &&
      existsSync(join(this.deps.indexDir!, state.dir, 'bm25.bin'));
    if (fresh) {
      const dir = join(this.deps.indexDir!, state.dir);
      try {
        this.bm25 = Bm25Index.deserialize(readFileSync(join(dir, 'bm25.bin')));
        // another vector store keeps its vectors itself: they are not sent again at every start
        this.vectors = this.openVectors(join(dir, 'hnsw'));
        this.loadChunkMaps();
        this.indexed = version;
        return;
      } catch (err) {
        this.deps.log?.warn({ err }, 'index files unreadable; rebuilding');
      }
    }
    await this.rebuild();
  }

  private openVectors(dir: string | undefined): VectorIndex {
    return this.deps.vectorStore ? new LangChainIndex(this.deps.vectorStore) : HnswIndex.open(dir, this.deps.embeddings);
  }

  private loadChunkMaps(): void {
    this.chunkDoc.clear();
    this.faq = new FaqMatcher(this.tokenizer);
    // Ids only, and whole rows just for the FAQ: reading every chunk's text here took about a third
    // of opening the whole law corpus.
    for (const [id, docId] of this.store.chunkDocIds()) this.chunkDoc.set(id, docId);
    for (const c of this.store.faqChunks()) if (this.docs.get(c.docId)?.status === 'active') this.faq.add(c);
  }

  /** Re-reads the document list from the store, in the store's order (as a restart sees it). */
  private refreshDocs(): void {
    this.docs = new Map(this.store.listDocuments().map((d) => [d.id, d]));
    this.markSuperseded();
  }

  /** Marks the documents that a later version of the same title supersedes (of one title, or all). */
  private markSuperseded(title?: string): void {
    const latest = new Map<string, string>();
    const docs = [...this.docs.values()].filter((d) => title === undefined || d.title === title);
    for (const d of docs) {
      if (d.status !== 'active') continue;
      const v = d.version ?? '';
      const cur = latest.get(d.title);
      if (cur === undefined || v > cur) latest.set(d.title, v);
    }
    if (title === undefined) this.superseded = new Set();
    for (const d of docs) {
      if ((d.version ?? '') < (latest.get(d.title) ?? '')) this.superseded.add(d.id);
      else this.superseded.delete(d.id);
    }
  }

  /** Rebuilds every index from the stored documents. */
  async rebuild(onProgress?: (done: number, total: number) => void): Promise<{ docs: number; chunks: number }> {
    // read first: a change another process makes while this runs is picked up by the next follow()
    const version = this.store.kbVersion();
    this.refreshDocs();
    this.bm25 = new Bm25Index();
    this.vectors = this.openVectors(undefined);
    this.chunkDoc.clear();
    this.faq = new FaqMatcher(this.tokenizer);
    const total = this.store.chunkCount();
    let batch: ChunkRecord[] = [];
    let done = 0;
    const flush = async () => {
      await this.indexChunks(batch);
      done += batch.length;
      onProgress?.(done, total);
      batch = [];
    };
    for (const c of this.store.eachChunk()) {
      this.chunkDoc.set(c.id, c.docId);
      if (this.docs.get(c.docId)?.status !== 'active') continue;
      batch.push(c);
      if (batch.length >= 512) await flush();
    }
    await flush();
    this.indexed = version;
    this.dirty = true;
    await this.save();
    return { docs: this.docs.size, chunks: total };
  }

  /** What the indexes were built from besides the documents: lexicon and law questions. */
  private fingerprint(): string {
    return `${this.deps.lexicon.fingerprint}:${TOKENIZER_ID}:${VECTOR_FORMAT}:${this.deps.workerQuestions?.fingerprint ?? ''}`;
  }

  /** The text a chunk is indexed under, with the worker questions for a law article. */
  indexTextOf(chunk: ChunkRecord): string {
    const doc = this.docs.get(chunk.docId);
    const questions = doc && doc.kind !== 'faq' ? questionsFor(this.deps.workerQuestions, doc.title, chunk.section) : [];
    const text = indexText(chunk);
    return questions.length ? `${text}\n${questions.join('\n')}` : text;
  }

  private async indexChunks(chunks: ChunkRecord[]): Promise<void> {
    const texts = chunks.map((c) => this.indexTextOf(c));
    for (let i = 0; i < chunks.length; i++) {
      // a large document yields now and then, so the chat is answered while it is indexed
      if (i > 0 && i % INDEX_SLICE === 0) await new Promise((r) => setImmediate(r));
      this.bm25.add(chunks[i]!.id, this.tokenizer.terms(texts[i]!));
      this.faq.add(chunks[i]!);
    }
    for (let i = 0; i < chunks.length; i += INDEX_SLICE) {
      if (i > 0) await new Promise((r) => setImmediate(r));
      await this.vectors.add(chunks.slice(i, i + INDEX_SLICE).map((c, k) => ({ id: c.id, docId: c.docId, text: texts[i + k]! })));
    }
  }

  private async unindex(chunkIds: number[]): Promise<void> {
    for (const id of chunkIds) this.bm25.remove(id);
    this.faq.remove(chunkIds);
    await this.vectors.remove(chunkIds);
  }

  /**
   * Stores prepared documents, each in its own transaction replacing the one from the same source,
   * and indexes them. The document list is kept current in place after each one and re-read from
   * the store once at the end: re-reading it per document made a 1,600-file import quadratic.
   */
  async putAll(batch: Prepared[], opts: { now?: Date; actor?: string; onProgress?: (done: number, p: Prepared) => void } = {}): Promise<AddResult[]> {
    const results: AddResult[] = [];
    let turn = performance.now();
    try {
      for (const p of batch) {
        results.push(await this.put(p, opts.now ?? new Date(), { actor: opts.actor }));
        opts.onProgress?.(results.length, p);
        // A small document never waits for anything, so without this an import of 1,600 laws kept
        // the chat waiting for 35 s.
        if (performance.now() - turn > TURN_MS) {
          await new Promise((r) => setImmediate(r));
          turn = performance.now();
        }
      }
    } finally {
      this.refreshDocs();
    }
    return results;
  }

  /**
   * Stores one document (a new version when it replaces one). The same file again is unchanged,
   * unless a category chosen on import differs; staff edits to metadata carry over (see applyEdits).
   */
  private async put(given: Prepared, now: Date, origin: VersionOrigin = {}, force = false): Promise<AddResult> {
    let input = given;
    let existing = this.store.getDocumentBySource(input.doc.source);
    const copy = existing ? undefined : this.copyOf(input);
    if (copy) {
      // another copy of a document we hold (the built-in law added again from the corpus): one document
      if (copy.sha256 === input.doc.sha256) return { doc: copy, status: 'unchanged', chunks: copy.chunkCount ?? 0 };
      input = { ...input, doc: { ...input.doc, source: copy.source } };
      existing = copy;
    }
    if (!force && existing && existing.sha256 === input.doc.sha256 && (!input.categoryGiven || existing.category === input.doc.category)) {
      return { doc: existing, status: 'unchanged', chunks: existing.chunkCount ?? 0 };
    }
    const prepared = force ? input : applyEdits(input, existing);
    const before = this.store.kbVersion();
    const { doc, chunks, replacedChunkIds } = this.store.putDocument(prepared, now, origin);
    this.advance(before);
    for (const id of replacedChunkIds) this.chunkDoc.delete(id);
    for (const c of chunks) this.chunkDoc.set(c.id, c.docId);
    this.docs.set(doc.id, { ...doc, chunkCount: chunks.length });
    this.markSuperseded(doc.title);
    if (existing && existing.title !== doc.title) this.markSuperseded(existing.title);
    try {
      await this.unindex(replacedChunkIds);
      if (doc.status === 'active') await this.indexChunks(chunks);
    } catch (err) {
      // The document is stored; the indexes are not complete. Make the next start rebuild them.
      this.invalidate();
      throw err;
    }
    this.dirty = true;
    return { doc, status: existing ? 'replaced' : 'added', chunks: chunks.length };
  }

  /** The document a file is another copy of: the same bytes, the same law in the same version, or the same web page. */
  private copyOf(p: Prepared): DocumentRecord | undefined {
    const url = typeof p.doc.meta.url === 'string' ? p.doc.meta.url : undefined;
    for (const d of this.docs.values()) {
      if (d.sha256 === p.doc.sha256) return d;
      if (p.doc.kind === 'law' && d.kind === 'law' && d.title === p.doc.title && d.version === p.doc.version) return d;
      if (url && d.meta.url === url) return d;
    }
    return undefined;
  }

  /**
   * Changes a document's metadata. A new title is also the first step of every chunk's path, so the
   * document's chunks are re-indexed (only this document's); the rest needs no index change.
   */
  async edit(docId: string, changes: Partial<DocumentFields>, now: Date): Promise<{ before: DocumentRecord; doc: DocumentRecord } | undefined> {
    const before = this.store.getDocument(docId);
    if (!before) return undefined;
    const fields: DocumentFields = { title: before.title, category: before.category, region: before.region, effective: before.effective, version: before.version };
    const edits: Edits = { ...editsOf(before.meta) };
    for (const f of DOCUMENT_FIELDS) {
      if (changes[f] === undefined || changes[f] === before[f]) continue;
      const file = edits[f]?.file ?? before[f];
      (fields as Record<string, string | null>)[f] = changes[f]!;
      if (changes[f] === file) delete edits[f];
      else edits[f] = { file, value: changes[f]! };
    }
    const meta: Record<string, unknown> = { ...before.meta, _edits: edits };
    if (!Object.keys(edits).length) delete meta._edits;
    const version = this.store.kbVersion();
    const r = this.store.updateDocumentFields(docId, fields, meta, now);
    if (!r) return undefined;
    this.advance(version);
    this.refreshDocs();
    if (fields.title !== before.title && before.status === 'active') {
      try {
        await this.unindex(r.chunks.map((c) => c.id));
        await this.indexChunks(r.chunks);
      } catch (err) {
        this.invalidate();
        throw err;
      }
    }
    this.dirty = true;
    return { before, doc: r.doc };
  }

  /**
   * Makes an earlier version current again: its original, text and metadata are stored as a new
   * version (so the rollback itself can be undone) and the document is re-indexed.
   */
  async rollback(docId: string, n: number, now: Date, actor?: string): Promise<AddResult | undefined> {
    const doc = this.store.getDocument(docId);
    const v = doc && this.store.documentVersion(docId, n);
    if (!doc || !v) return undefined;
    const prepared: Prepared = {
      doc: {
        source: doc.source,
        title: v.title,
        category: v.category,
        kind: v.kind,
        region: v.region,
        effective: v.effective,
        updated: v.updated,
        version: v.version,
        format: v.format,
        sha256: v.sha256,
        bytes: v.bytes,
        meta: v.meta,
      },
      original: v.original,
      text: v.text,
      chunks: splitAs(v.title, editsOf(v.meta).title?.file ?? v.title, v.text, v.kind),
    };
    try {
      return await this.put(prepared, now, { actor, reason: 'rollback', rollbackOf: n }, true);
    } finally {
      this.refreshDocs();
    }
  }

  async remove(docId: string): Promise<DocumentRecord | undefined> {
    const doc = this.docs.get(docId) ?? this.store.getDocument(docId);
    const version = this.store.kbVersion();
    const ids = this.store.removeDocument(docId);
    if (!ids) return undefined;
    this.advance(version);
    await this.unindex(ids);
    for (const id of ids) this.chunkDoc.delete(id);
    this.refreshDocs();
    this.dirty = true;
    return doc;
  }

  async setStatus(docId: string, status: DocumentRecord['status']): Promise<boolean> {
    const doc = this.store.getDocument(docId);
    if (!doc) return false;
    if (doc.status === status) return true;
    const version = this.store.kbVersion();
    this.store.setDocumentStatus(docId, status);
    this.advance(version);
    const chunks = this.store.chunksOfDocument(docId);
    if (status === 'active') await this.indexChunks(chunks);
    else await this.unindex(chunks.map((c) => c.id));
    this.refreshDocs();
    this.dirty = true;
    return true;
  }

  /**
   * After a change made here: when the indexes held everything up to it, they now hold this change
   * too (each change bumps the version once); a change another process made meanwhile leaves the
   * version behind, for follow() to pick up.
   */
  private advance(before: number): void {
    if (before === this.indexed && this.store.kbVersion() === before + 1) this.indexed = before + 1;
  }

  /**
   * Brings the indexes in line with the database when another process (the CLI, a second server)
   * changed documents: only the documents that differ are indexed again. Cheap when nothing
   * changed (one read of the version); called before each question is answered.
   */
  async follow(): Promise<boolean> {
    const version = this.store.kbVersion();
    if (version === this.indexed) return false;
    const stored = new Map(this.store.listDocuments().map((d) => [d.id, d]));
    const held = new Map<string, number[]>();
    for (const [id, docId] of this.chunkDoc) held.set(docId, [...(held.get(docId) ?? []), id]);
    const changed = (d: DocumentRecord, cur: DocumentRecord | undefined) =>
      !cur || cur.sha256 !== d.sha256 || cur.status !== d.status || cur.title !== d.title || cur.changedAt !== d.changedAt;
    try {
      for (const id of this.docs.keys()) {
        if (stored.has(id)) continue;
        const ids = held.get(id) ?? [];
        await this.unindex(ids);
        for (const c of ids) this.chunkDoc.delete(c);
      }
      for (const d of stored.values()) {
        if (!changed(d, this.docs.get(d.id))) continue;
        const ids = held.get(d.id) ?? [];
        await this.unindex(ids);
        for (const c of ids) this.chunkDoc.delete(c);
        const chunks = this.store.chunksOfDocument(d.id);
        for (const c of chunks) this.chunkDoc.set(c.id, c.docId);
        this.docs.set(d.id, d);
        if (d.status === 'active') await this.indexChunks(chunks);
      }
    } catch (err) {
      this.invalidate();
      throw err;
    }
    this.refreshDocs();
    this.indexed = version;
    this.dirty = true;
    return true;
  }

  /** Forgets the saved index state, so the next open rebuilds every index from the database. */
  invalidate(): void {
    const f = this.stateFile();
    if (f) rmSync(f, { force: true });
    this.dirty = false;
  }

  /** Writes the indexes into a new folder, then points state.json at it (an atomic rename). */
  async save(): Promise<void> {
    const root = this.deps.indexDir;
    if (!root || !this.dirty) return;
    mkdirSync(root, { recursive: true });
    const name = `v${this.indexed}-${randomBytes(3).toString('hex')}`;
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'bm25.bin'), this.bm25.serialize());
    await this.vectors.save(join(dir, 'hnsw'));
    const state: IndexState = {
      dir: name,
      // what the indexes hold, not what the database is at: a change made by another process since
      // then makes the next start rebuild rather than answer from a stale index
      kbVersion: this.indexed,
      lexicon: this.fingerprint(),
      embedder: this.deps.embedderId,
    };
    const tmp = join(root, `state.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.stateFile()!);
    for (const old of readdirSync(root)) {
      if (old !== name && /^v\d+-/.test(old)) rmSync(join(root, old), { recursive: true, force: true });
    }
    this.dirty = false;
  }

  listDocuments(): DocumentRecord[] {
    return this.store.listDocuments();
  }
}
