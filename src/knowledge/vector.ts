import { existsSync } from 'node:fs';
import { Document } from '@langchain/core/documents';
import type { Embeddings } from '@langchain/core/embeddings';
import { SaveableVectorStore, type VectorStore } from '@langchain/core/vectorstores';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import hnswlib from 'hnswlib-node';

/** What the pipeline keeps in a vector store: the chunk id; the text lives in the database. */
export interface VectorItem {
  id: number;
  docId: string;
  text: string;
}

export interface VectorHit {
  id: number;
  /** Rank order is what matters: stores disagree on whether higher or lower is better. */
  rank: number;
}

type Docs = Map<string, Document>;

/**
 * HNSWLib with what the pipeline needs that the stock class lacks: deletion by chunk id (hnswlib's
 * markDelete), geometric growth so thousands of small additions stay linear, build parameters
 * that index 65k chunks in seconds, and a docstore of ids only (the text is in the database).
 */
export class ChunkHNSWLib extends HNSWLib {
  private labels?: Map<number, number>;

  static override async load(directory: string, embeddings: Embeddings): Promise<ChunkHNSWLib> {
    const base = await HNSWLib.load(directory, embeddings);
    return new ChunkHNSWLib(embeddings, { ...base.args, index: base.index, docstore: base.docstore });
  }

  private get docs(): Docs {
    return (this.docstore as unknown as { _docs: Docs })._docs;
  }

  override async addVectors(vectors: number[][], documents: Document[]): Promise<void> {
    if (vectors.length === 0) return;
    if (!this._index) {
      this.args.numDimensions = vectors[0]!.length;
      const index = new hnswlib.HierarchicalNSW('cosine', this.args.numDimensions);
      index.initIndex(Math.max(vectors.length, 1024), 16, 100, 100, true);
      this._index = index;
    }
    const index = this.index;
    const start = index.getCurrentCount();
    const needed = start + vectors.length;
    if (needed > index.getMaxElements()) index.resizeIndex(Math.max(needed, Math.ceil(index.getMaxElements() * 1.5)));
    for (let i = 0; i < vectors.length; i++) {
      const chunkId = documents[i]!.metadata.chunkId as number;
      index.addPoint(vectors[i]!, start + i);
      // Straight into the map: the docstore's add() checks new labels against every existing one,
      // which is quadratic over an import (labels only grow, so there is nothing to check).
      this.docs.set(String(start + i), new Document({ pageContent: '', metadata: { chunkId } }));
      this.labels?.set(chunkId, start + i);
    }
  }

  override async delete(params: { ids?: (string | number)[]; directory?: string }): Promise<void> {
    if (params.directory) return super.delete({ directory: params.directory });
    if (!params.ids?.length || !this._index) return;
    if (!this.labels) {
      this.labels = new Map();
      for (const [label, doc] of this.docs) this.labels.set(doc.metadata.chunkId as number, Number(label));
    }
    for (const id of params.ids) {
      const label = this.labels.get(Number(id));
      if (label === undefined) continue;
      this.index.markDelete(label);
      this.docs.delete(String(label));
      this.labels.delete(Number(id));
    }
  }

  liveCount(): number {
    return this.docs.size;
  }
}

/** The pipeline's view of any LangChain vector store. */
export class VectorIndex {
  constructor(readonly store: VectorStore) {}

  async add(items: VectorItem[]): Promise<void> {
    if (items.length === 0) return;
    const docs = items.map(
      (it) => new Document({ pageContent: it.text, metadata: { chunkId: it.id, docId: it.docId }, id: String(it.id) }),
    );
    await this.store.addDocuments(docs, { ids: items.map((it) => String(it.id)) });
  }

  async remove(ids: number[]): Promise<void> {
    if (ids.length) await this.store.delete({ ids: ids.map(String) });
  }

  async search(query: string, k: number): Promise<VectorHit[]> {
    if (this.store instanceof ChunkHNSWLib) {
      const live = this.store.liveCount();
      if (live === 0) return [];
      k = Math.min(k, live);
    }
    const results = await this.store.similaritySearchWithScore(query, k);
    return results.map(([doc], rank) => ({ id: Number(doc.metadata.chunkId), rank }));
  }

  async save(dir: string): Promise<void> {
    if (this.store instanceof ChunkHNSWLib && !this.store._index) return; // nothing indexed yet
    if (this.store instanceof SaveableVectorStore) await this.store.save(dir);
  }
}

/** Opens the saved HNSW index in `dir`, or starts an empty one. */
export async function openHnsw(dir: string | undefined, embeddings: Embeddings): Promise<ChunkHNSWLib> {
  if (dir && existsSync(`${dir}/hnswlib.index`)) return ChunkHNSWLib.load(dir, embeddings);
  return new ChunkHNSWLib(embeddings, { space: 'cosine' });
}
