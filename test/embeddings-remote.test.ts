import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testApp } from './helpers/app.ts';

/**
 * An OpenAI-compatible embeddings endpoint on 127.0.0.1: it embeds by character counts, which is
 * enough to show the pipeline sends every chunk and the question there and uses what comes back.
 */
let server: Server;
let baseURL: string;
const seen: { model: string; inputs: number; auth?: string }[] = [];
let failing = false;

function embed(text: string): number[] {
  const v = new Array(64).fill(0);
  for (const ch of text) v[ch.codePointAt(0)! % 64] += 1;
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failing) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"down"}}');
        return;
      }
      if (req.url !== '/v1/embeddings') {
        res.writeHead(404).end();
        return;
      }
      const { model, input } = JSON.parse(body) as { model: string; input: string[] | string };
      const inputs = Array.isArray(input) ? input : [input];
      seen.push({ model, inputs: inputs.length, auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          model,
          data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: embed(String(t)) })),
          usage: { prompt_tokens: 0, total_tokens: 0 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('OpenAI-compatible embeddings endpoint', () => {
  it('replaces the local embedder by configuration', async () => {
    const t = tempDir();
    const app = await testApp(t.dir, { env: { EMBEDDING_BASE_URL: baseURL, EMBEDDING_MODEL: 'bge-m3', EMBEDDING_API_KEY: 'sk-test' } });
    try {
      const chunks = app.kb.bm25.size;
      const indexed = seen.reduce((s, x) => s + x.inputs, 0);
      expect(indexed).toBeGreaterThanOrEqual(chunks);
      expect(seen.every((x) => x.model === 'bge-m3' && x.auth === 'Bearer sk-test')).toBe(true);
      const before = seen.length;
      const r = await app.ask('新职伤的保费是谁交的？');
      expect(seen.length).toBe(before + 1);
      expect(r.confident).toBe(true);
      expect(r.sources.length).toBeGreaterThan(0);
    } finally {
      app.close();
      t.cleanup();
    }
  });

  it('still answers from BM25 when the endpoint fails at question time', async () => {
    const t = tempDir();
    const app = await testApp(t.dir, { env: { EMBEDDING_BASE_URL: baseURL, EMBEDDING_MODEL: 'bge-m3' } });
    failing = true;
    try {
      const r = await app.ask('新职伤的保费是谁交的？');
      expect(r.confident).toBe(true);
      expect(r.sources.length).toBeGreaterThan(0);
    } finally {
      failing = false;
      app.close();
      t.cleanup();
    }
  });
});
