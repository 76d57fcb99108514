import type { Source } from '../lib/types.ts';

/** "/kb/passage/123" (or absolute, under `base`): the web chat's page for the passage a source cites. */
export function passageUrl(s: Source, base = ''): string {
  return `${base}/kb/passage/${s.chunkId}`;
}
