import { Hono } from 'hono';
import type { KnowledgeStore } from '../../store/types.ts';
import { notFoundPage, passagePage } from './pages.ts';

/**
 * The pages a cited passage links to (查看原文: /kb/passage/:id), with its document's origin. Web
 * and Telegram answers both link here, so they are mounted on the HTTP server apart from the chat.
 */
export function passageRoutes(store: KnowledgeStore): Hono {
  const app = new Hono();
  app.get('/kb/passage/:chunkId{[0-9]+}', (c) => {
    const id = Number(c.req.param('chunkId'));
    const chunk = store.chunksByIds([id])[0];
    const doc = chunk && store.getDocument(chunk.docId);
    if (!chunk || !doc || doc.status !== 'active') return c.html(notFoundPage(), 404);
    return c.html(passagePage(doc, chunk));
  });
  return app;
}
