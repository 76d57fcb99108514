import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Embeddings } from '@langchain/core/embeddings';
import type { VectorStore } from '@langchain/core/vectorstores';
import { ConfigError } from '../lib/config-error.ts';

/**
 * LangChain classes a union names in its configuration ("@langchain/qdrant#QdrantVectorStore"):
 * installed with npm next to gongyou and built with the options from the environment, so another
 * vector store or embeddings model needs no change to the pipeline.
 */

type AnyClass = (new (...args: unknown[]) => unknown) & { initialize?: (...args: unknown[]) => Promise<unknown> };

async function loadClass(setting: string, spec: string): Promise<AnyClass> {
  const at = spec.lastIndexOf('#');
  const [module, name] = [spec.slice(0, at), spec.slice(at + 1)];
  // a file of the union's own ("./stores/mine.js") is taken from where gongyou runs
  const target = module.startsWith('.') || isAbsolute(module) ? pathToFileURL(resolve(module)).href : module;
  let exports: Record<string, unknown>;
  try {
    exports = (await import(target)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`配置有误：${setting} 指定的 ${module} 加载不了（先用 npm install 装上它？）：${err instanceof Error ? err.message : String(err)}`);
  }
  const cls = exports[name];
  if (typeof cls !== 'function') throw new ConfigError(`配置有误：${module} 里没有 ${name} 这个类（${setting}）。`);
  return cls as AnyClass;
}

/** The vector store VECTOR_STORE names, built with VECTOR_STORE_OPTIONS (a class's `initialize` when it has one, as PGVectorStore does). */
export async function configuredVectorStore(spec: string, options: Record<string, unknown>, embeddings: Embeddings): Promise<VectorStore> {
  const Cls = await loadClass('VECTOR_STORE', spec);
  const store = (typeof Cls.initialize === 'function' ? await Cls.initialize(embeddings, options) : new Cls(embeddings, options)) as VectorStore;
  for (const method of ['addDocuments', 'similaritySearchWithScore', 'delete'] as const) {
    if (typeof store?.[method] !== 'function') throw new ConfigError(`配置有误：VECTOR_STORE 指定的 ${spec} 不是 LangChain 的向量库（缺少 ${method}）。`);
  }
  return store;
}

/** The embeddings EMBEDDINGS_CLASS names, built with EMBEDDINGS_OPTIONS. */
export async function configuredEmbeddings(spec: string, options: Record<string, unknown>): Promise<Embeddings> {
  const Cls = await loadClass('EMBEDDINGS_CLASS', spec);
  const embeddings = new Cls(options) as Embeddings;
  if (typeof embeddings?.embedQuery !== 'function' || typeof embeddings.embedDocuments !== 'function') {
    throw new ConfigError(`配置有误：EMBEDDINGS_CLASS 指定的 ${spec} 不是 LangChain 的 Embeddings。`);
  }
  return embeddings;
}
