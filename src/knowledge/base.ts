import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import type { VectorStore } from '@langchain/core/vectorstores';
import type { Logger } from '../log.ts';
import type { ChunkRecord, DocumentRecord, KnowledgeStore } from '../store/types.ts';
import { Bm25Index } from './bm25.ts';
import { FaqMatcher } from './faq.ts';
import type { Prepared } from './ingest.ts';
import { questionsFor, type LawQuestions } from './law-questions.ts';
import type { Lexicon } from './lexicon.ts';
import type { Tokenizer } from './tokenize.ts';
import { openHnsw, VectorIndex } from './vector.ts';

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
  embeddings: Embeddings;
  embedderId: string;
  /** Weight of vector ranks against BM25 ranks in the fusion (see createEmbeddings). */
  vectorWeight?: number;
  /** Worker-style questions indexed with the law articles they ask about. */
  lawQuestions?: LawQuestions;
  /** Where index files live; undefined keeps them in memory only. */
  indexDir?: string;
  /** A vector store other than the default HNSW (any LangChain VectorStore). */
  vectorStore?: VectorStore;
  log?: Logger;
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
  bm25 = new Bm25Index();
  faq: FaqMatcher;
  vectors!: VectorIndex;
  /** chunk id → document id, for version ranking and citation look-ups. */
  readonly chunkDoc = new Map<number, string>();
  docs = new Map<string, DocumentRecord>();
  /** Documents with a later version of the same title: ranked lower. */
  superseded = new Set<string>();
  private dirty = false;

  private constructor(private readonly deps: KnowledgeBaseDeps) {
    this.store = deps.store;
    this.tokenizer = deps.tokenizer;
    this.log = deps.log;
    this.vectorWeight = deps.vectorWeight ?? 0.15;
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
    this.refreshDocs();
    const state = this.readState();
    const fresh =
      state &&
      !this.deps.vectorStore &&
      state.kbVersion === this.store.kbVersion() &&
      state.lexicon === this.fingerprint() &&
      state.embedder === this.deps.embedderId &&
      existsSync(join(this.deps.indexDir!, state.dir, 'bm25.bin'));
    if (fresh) {
      const dir = join(this.deps.indexDir!, state.dir);
      try {
        this.bm25 = Bm25Index.deserialize(readFileSync(join(dir, 'bm25.bin')));
        this.vectors = new VectorIndex(await openHnsw(join(dir, 'hnsw'), this.deps.embeddings));
        this.loadChunkMaps();
        return;
      } catch (err) {
        this.deps.log?.warn({ err }, 'index files unreadable; rebuilding');
      }
    }
    await this.rebuild();
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

  private markSuperseded(): void {
    const latest = new Map<string, string>();
    for (const d of this.docs.values()) {
      if (d.status !== 'active') continue;
      const v = d.version ?? '';
      const cur = latest.get(d.title);
      if (cur === undefined || v > cur) latest.set(d.title, v);
    }
    this.superseded = new Set();
    for (const d of this.docs.values()) if ((d.version ?? '') < (latest.get(d.title) ?? '')) this.superseded.add(d.id);
  }

  /** Rebuilds every index from the stored documents. */
  async rebuild(onProgress?: (done: number, total: number) => void): Promise<{ docs: number; chunks: number }> {
    this.refreshDocs();
    this.bm25 = new Bm25Index();
    this.vectors = new VectorIndex(this.deps.vectorStore ?? (await openHnsw(undefined, this.deps.embeddings)));
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
    this.dirty = true;
    await this.save();
    return { docs: this.docs.size, chunks: total };
  }

  /** What the indexes were built from besides the documents: lexicon and law questions. */
  private fingerprint(): string {
    return `${this.deps.lexicon.fingerprint}:${this.deps.lawQuestions?.fingerprint ?? ''}`;
  }

  /** The text a chunk is indexed under, with the worker questions for a law article. */
  indexTextOf(chunk: ChunkRecord): string {
    const doc = this.docs.get(chunk.docId);
    const questions = doc?.kind === 'law' ? questionsFor(this.deps.lawQuestions, doc.title, chunk.section) : [];
    const text = indexText(chunk);
    return questions.length ? `${text}\n${questions.join('\n')}` : text;
  }

  private async indexChunks(chunks: ChunkRecord[]): Promise<void> {
    const texts = chunks.map((c) => this.indexTextOf(c));
    chunks.forEach((c, i) => {
      this.bm25.add(c.id, this.tokenizer.terms(texts[i]!));
      this.faq.add(c);
    });
    await this.vectors.add(chunks.map((c, i) => ({ id: c.id, docId: c.docId, text: texts[i]! })));
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
  async putAll(batch: Prepared[], opts: { now?: Date; onProgress?: (done: number, p: Prepared) => void } = {}): Promise<AddResult[]> {
    const results: AddResult[] = [];
    try {
      for (const p of batch) {
        results.push(await this.put(p, opts.now ?? new Date()));
        opts.onProgress?.(results.length, p);
      }
    } finally {
      this.refreshDocs();
    }
    return results;
  }

  private async put(prepared: Prepared, now: Date): Promise<AddResult> {
    const existing = this.store.getDocumentBySource(prepared.doc.source);
    if (existing && existing.sha256 === prepared.doc.sha256 && existing.category === prepared.doc.category) {
      return { doc: existing, status: 'unchanged', chunks: existing.chunkCount ?? 0 };
    }
    const { doc, chunks, replacedChunkIds } = this.store.putDocument(prepared, now);
    for (const id of replacedChunkIds) this.chunkDoc.delete(id);
    for (const c of chunks) this.chunkDoc.set(c.id, c.docId);
    this.docs.set(doc.id, { ...doc, chunkCount: chunks.length });
    this.markSuperseded();
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

  async remove(docId: string): Promise<DocumentRecord | undefined> {
    const doc = this.docs.get(docId) ?? this.store.getDocument(docId);
    const ids = this.store.removeDocument(docId);
    if (!ids) return undefined;
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
    this.store.setDocumentStatus(docId, status);
    const chunks = this.store.chunksOfDocument(docId);
    if (status === 'active') await this.indexChunks(chunks);
    else await this.unindex(chunks.map((c) => c.id));
    this.refreshDocs();
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
    if (!root || !this.dirty || this.deps.vectorStore) return;
    mkdirSync(root, { recursive: true });
    const name = `v${this.store.kbVersion()}-${randomBytes(3).toString('hex')}`;
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'bm25.bin'), this.bm25.serialize());
    await this.vectors.save(join(dir, 'hnsw'));
    const state: IndexState = {
      dir: name,
      kbVersion: this.store.kbVersion(),
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
