/**
 * An in-memory BM25 index over integer keys (chunk ids), kept in typed arrays so that tens of
 * thousands of chunks load in milliseconds and a query scores only the postings it touches.
 * Removal marks a document dead; `compact` (run before saving) drops dead postings.
 */

interface Postings {
  docs: Int32Array;
  tfs: Uint16Array;
  n: number;
}

export interface Bm25Hit {
  key: number;
  score: number;
}

/** BM25's term-saturation and length-normalisation constants. */
export const bm25Params = { k1: 1.2, b: 0.75 };
const MAGIC = 'gongyou-bm25-v1';

function grow<T extends Int32Array | Uint16Array | Float32Array>(arr: T, need: number): T {
  if (arr.length >= need) return arr;
  const next = new (arr.constructor as new (n: number) => T)(Math.max(need, Math.ceil(arr.length * 1.5) + 16));
  next.set(arr);
  return next;
}

export class Bm25Index {
  private vocab = new Map<string, number>();
  private terms: string[] = [];
  private postings: Postings[] = [];
  private keys = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private alive = new Uint8Array(1024);
  private docCount = 0;
  private byKey = new Map<number, number>();
  private liveDocs = 0;
  private liveLength = 0;
  private scratch = new Float32Array(0);

  get size(): number {
    return this.liveDocs;
  }

  has(key: number): boolean {
    return this.byKey.has(key);
  }

  add(key: number, terms: string[]): void {
    if (this.byKey.has(key)) this.remove(key);
    const doc = this.docCount++;
    this.keys = grow(this.keys, this.docCount);
    this.lengths = grow(this.lengths, this.docCount);
    if (this.alive.length < this.docCount) {
      const a = new Uint8Array(Math.ceil(this.docCount * 1.5) + 16);
      a.set(this.alive);
      this.alive = a;
    }
    this.keys[doc] = key;
    this.lengths[doc] = terms.length;
    this.alive[doc] = 1;
    this.byKey.set(key, doc);
    this.liveDocs++;
    this.liveLength += terms.length;

    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [term, count] of tf) {
      let id = this.vocab.get(term);
      if (id === undefined) {
        id = this.terms.length;
        this.vocab.set(term, id);
        this.terms.push(term);
        this.postings.push({ docs: new Int32Array(4), tfs: new Uint16Array(4), n: 0 });
      }
      const p = this.postings[id]!;
      p.docs = grow(p.docs, p.n + 1);
      p.tfs = grow(p.tfs, p.n + 1);
      p.docs[p.n] = doc;
      p.tfs[p.n] = Math.min(count, 65535);
      p.n++;
    }
  }

  remove(key: number): void {
    const doc = this.byKey.get(key);
    if (doc === undefined) return;
    this.byKey.delete(key);
    this.alive[doc] = 0;
    this.liveDocs--;
    this.liveLength -= this.lengths[doc]!;
  }

  /** Inverse document frequency of a term, 0 for unknown terms. */
  idf(term: string): number {
    const id = this.vocab.get(term);
    if (id === undefined) return 0;
    const df = this.postings[id]!.n;
    const n = Math.max(this.liveDocs, df);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Top `k` documents for the query terms; `accept` can veto keys (disabled documents). */
  search(query: string[] | Map<string, number>, k: number, accept?: (key: number) => boolean): Bm25Hit[] {
    const weights = Array.isArray(query) ? queryWeights(query) : query;
    if (this.liveDocs === 0 || weights.size === 0) return [];
    if (this.scratch.length < this.docCount) this.scratch = new Float32Array(Math.ceil(this.docCount * 1.2));
    const scores = this.scratch;
    const touched: number[] = [];
    const avgdl = this.liveLength / this.liveDocs || 1;
    const { k1, b } = bm25Params;

    for (const [term, weight] of weights) {
      const id = this.vocab.get(term);
      if (id === undefined) continue;
      const p = this.postings[id]!;
      const idf = this.idf(term) * weight;
      for (let i = 0; i < p.n; i++) {
        const doc = p.docs[i]!;
        if (!this.alive[doc]) continue;
        const tf = p.tfs[i]!;
        const norm = tf + k1 * (1 - b + (b * this.lengths[doc]!) / avgdl);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += (idf * tf * (k1 + 1)) / norm;
      }
    }
    const hits = topK(touched, scores, k, (doc) => !accept || accept(this.keys[doc]!));
    for (const doc of touched) scores[doc] = 0;
    return hits.map((h) => ({ key: this.keys[h.doc]!, score: h.score }));
  }

  /** Drops dead documents and their postings, renumbering the internal ids. */
  compact(): void {
    if (this.liveDocs === this.docCount) return;
    const remap = new Int32Array(this.docCount).fill(-1);
    let next = 0;
    for (let d = 0; d < this.docCount; d++) {
      if (!this.alive[d]) continue;
      remap[d] = next;
      this.keys[next] = this.keys[d]!;
      this.lengths[next] = this.lengths[d]!;
      this.alive[next] = 1;
      next++;
    }
    this.alive.fill(0, next);
    this.docCount = next;
    this.byKey = new Map();
    for (let d = 0; d < next; d++) this.byKey.set(this.keys[d]!, d);
    const vocab = new Map<string, number>();
    const terms: string[] = [];
    const postings: Postings[] = [];
    this.terms.forEach((term, id) => {
      const p = this.postings[id]!;
      let n = 0;
      for (let i = 0; i < p.n; i++) {
        const d = remap[p.docs[i]!]!;
        if (d < 0) continue;
        p.docs[n] = d;
        p.tfs[n] = p.tfs[i]!;
        n++;
      }
      if (n === 0) return;
      vocab.set(term, terms.length);
      terms.push(term);
      postings.push({ docs: p.docs, tfs: p.tfs, n });
    });
    this.vocab = vocab;
    this.terms = terms;
    this.postings = postings;
  }

  /** Binary form: a JSON header (terms) followed by the typed arrays. */
  serialize(): Buffer {
    this.compact();
    const total = this.postings.reduce((s, p) => s + p.n, 0);
    const header = Buffer.from(JSON.stringify({ magic: MAGIC, docs: this.docCount, total, terms: this.terms }));
    const offsets = new Uint32Array(this.terms.length + 1);
    const docs = new Int32Array(total);
    const tfs = new Uint16Array(total);
    let at = 0;
    this.postings.forEach((p, i) => {
      offsets[i] = at;
      docs.set(p.docs.subarray(0, p.n), at);
      tfs.set(p.tfs.subarray(0, p.n), at);
      at += p.n;
    });
    offsets[this.terms.length] = at;
    const len = Buffer.alloc(4);
    len.writeUInt32LE(header.length);
    const pad = Buffer.alloc((4 - ((4 + header.length) % 4)) % 4);
    return Buffer.concat([
      len,
      header,
      pad,
      Buffer.from(this.keys.buffer, 0, this.docCount * 4),
      Buffer.from(this.lengths.buffer, 0, this.docCount * 4),
      Buffer.from(offsets.buffer),
      Buffer.from(docs.buffer),
      Buffer.from(tfs.buffer),
    ]);
  }

  static deserialize(buf: Buffer): Bm25Index {
    const headerLen = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + headerLen).toString('utf8')) as {
      magic: string;
      docs: number;
      total: number;
      terms: string[];
    };
    if (header.magic !== MAGIC) throw new Error('not a gongyou BM25 index');
    let at = 4 + headerLen;
    at += (4 - (at % 4)) % 4;
    // Copy into fresh, aligned arrays: Buffer slices may not be 4-byte aligned.
    const take = <T>(Ctor: new (b: ArrayBuffer) => T, bytes: number): T => {
      const copy = new ArrayBuffer(bytes);
      new Uint8Array(copy).set(buf.subarray(at, at + bytes));
      at += bytes;
      return new Ctor(copy);
    };
    const index = new Bm25Index();
    const n = header.docs;
    index.keys = take(Int32Array, n * 4);
    index.lengths = take(Int32Array, n * 4);
    const offsets = take(Uint32Array, (header.terms.length + 1) * 4);
    const docs = take(Int32Array, header.total * 4);
    const tfs = take(Uint16Array, header.total * 2);
    index.docCount = n;
    index.alive = new Uint8Array(n).fill(1);
    index.liveDocs = n;
    for (let d = 0; d < n; d++) {
      index.byKey.set(index.keys[d]!, d);
      index.liveLength += index.lengths[d]!;
    }
    index.terms = header.terms;
    header.terms.forEach((term, i) => {
      index.vocab.set(term, i);
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      // Views share the loaded buffer; `grow` copies a term's postings the first time it changes.
      index.postings.push({ docs: docs.subarray(from, to), tfs: tfs.subarray(from, to), n: to - from });
    });
    return index;
  }
}

/** Query term weights: a repeated term counts more, but sublinearly. */
export function queryWeights(terms: string[], into = new Map<string, number>()): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const [t, c] of counts) into.set(t, Math.max(into.get(t) ?? 0, 1 + Math.log(c)));
  return into;
}

/** The k best (doc, score) pairs among `candidates`, best first, via a small min-heap. */
function topK(candidates: number[], scores: Float32Array, k: number, accept: (doc: number) => boolean) {
  const heap: { doc: number; score: number }[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.score <= heap[i]!.score) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]!.score < heap[m]!.score) m = l;
      if (r < heap.length && heap[r]!.score < heap[m]!.score) m = r;
      if (m === i) return;
      [heap[m], heap[i]] = [heap[i]!, heap[m]!];
      i = m;
    }
  };
  for (const doc of candidates) {
    const score = scores[doc]!;
    if (heap.length === k && score <= heap[0]!.score) continue;
    if (!accept(doc)) continue;
    if (heap.length < k) {
      heap.push({ doc, score });
      up(heap.length - 1);
    } else {
      heap[0] = { doc, score };
      down(0);
    }
  }
  return heap.sort((a, b) => b.score - a.score);
}
