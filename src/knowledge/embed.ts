import { configuredEmbeddings } from './configured.ts';
import { Embeddings } from '@langchain/core/embeddings';
import type { OpenAIEmbeddings } from '@langchain/openai';
import { globalIdf } from './idf.ts';
import { fold } from './text.ts';
import type { Tokenizer } from './tokenize.ts';

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The default embedder: runs locally, needs no model file. It hashes IDF-weighted words (after
 * synonym folding) and character bigrams into a fixed-size signed vector. It is lexical, but the
 * bigrams let it match where jieba cuts a question and a passage differently ("摔伤了" / "摔伤").
 */
export class HashingEmbeddings extends Embeddings {
  readonly dimensions: number;

  constructor(
    private readonly tokenizer: Tokenizer,
    dimensions = 128,
  ) {
    super({});
    this.dimensions = dimensions;
  }

  embedText(text: string): number[] {
    const folded = fold(text);
    const v = new Float64Array(this.dimensions);
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      v[h % this.dimensions]! += h & 0x80000000 ? -weight : weight;
    };
    const counts = new Map<string, number>();
    for (const w of this.tokenizer.words(folded)) counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const [w, c] of counts) add(`w:${w}`, (1 + Math.log(c)) * globalIdf(w));
    const cjk = folded.replace(/[^\u4e00-\u9fff]+/g, '|');
    const grams = new Map<string, number>();
    for (let i = 0; i + 1 < cjk.length; i++) {
      if (cjk[i] === '|' || cjk[i + 1] === '|') continue;
      const g = cjk.slice(i, i + 2);
      grams.set(g, (grams.get(g) ?? 0) + 1);
    }
    for (const [g, c] of grams) add(`b:${g}`, 4 * (1 + Math.log(c)));
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    return Array.from(v, (x) => x / norm);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embedText(t));
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedText(text);
  }
}

/**
 * An OpenAI-compatible endpoint. The SDK is imported on first use: importing it up front cost
 * about 120 ms of every start, the default local embedder's included.
 */
class EndpointEmbeddings extends Embeddings {
  private client?: Promise<Embeddings>;

  constructor(private readonly fields: ConstructorParameters<typeof OpenAIEmbeddings>[0]) {
    super({});
  }

  private get inner(): Promise<Embeddings> {
    return (this.client ??= import('@langchain/openai').then(({ OpenAIEmbeddings }) => new OpenAIEmbeddings(this.fields)));
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.inner).embedDocuments(texts);
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.inner).embedQuery(text);
  }
}

/** The embedding settings (src/config.ts reads them from the environment). */
export interface EmbeddingSettings {
  embedding?: { baseURL: string; model: string; apiKey?: string; dimensions?: number };
  embeddingsClass?: string;
  embeddingsOptions: Record<string, unknown>;
}

/** The configured embedder: an OpenAI-compatible endpoint when set, the local one otherwise. */
export async function createEmbeddings(config: EmbeddingSettings, tokenizer: Tokenizer): Promise<{ embeddings: Embeddings; id: string; weight: number }> {
  if (config.embeddingsClass) {
    const embeddings = await configuredEmbeddings(config.embeddingsClass, config.embeddingsOptions);
    return { embeddings, id: `class:${config.embeddingsClass}:${JSON.stringify(config.embeddingsOptions)}`, weight: 0.5 };
  }
  const e = config.embedding;
  // The local embedder is lexical, so it only breaks ties (measured: more weight lowers hit@3);
  // a real embedding model carries meaning BM25 misses and gets half the weight of BM25.
  if (!e) return { embeddings: new HashingEmbeddings(tokenizer), id: 'hashing-128-v1', weight: 0.15 };
  return {
    embeddings: new EndpointEmbeddings({
      model: e.model,
      apiKey: e.apiKey ?? 'none',
      dimensions: e.dimensions,
      configuration: { baseURL: e.baseURL },
      maxRetries: 1,
    }),
    id: `openai:${e.baseURL}:${e.model}:${e.dimensions ?? ''}`,
    weight: 0.5,
  };
}
