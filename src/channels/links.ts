import type { Source } from '../lib/types.ts';
import type { KnowledgeStore } from '../store/types.ts';

/** The chunk a source cites: by its section (an article, a heading, an FAQ question), else the document's first. */
export function passageChunkId(store: KnowledgeStore, s: Source): number | undefined {
  if (s.section) {
    const hit = store.chunkBySection(s.docId, s.section);
    if (hit) return hit.id;
  }
  const chunks = store.chunksOfDocument(s.docId);
  const bySection = s.section ? chunks.find((c) => c.faq?.question === s.section || c.path.includes(s.section!)) : undefined;
  return (bySection ?? chunks[0])?.id;
}

/** "/kb/passage/123" (or absolute, under `base`): the web chat's page for a cited passage. */
export function passageUrl(store: KnowledgeStore, s: Source, base = ''): string | null {
  const id = passageChunkId(store, s);
  return id === undefined ? null : `${base}/kb/passage/${id}`;
}
