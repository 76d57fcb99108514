import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { App } from '../../src/app.ts';
import { intentPrompt } from '../../src/llm/classify.ts';
import { addFiles } from '../../src/staff/kb.ts';
import { tempDir, testApp } from './app.ts';

/** One request the scripted server received: the JSON body as sent. */
export interface Received {
  path: string;
  body: { model?: string; stream?: boolean; messages?: { role: string; content: string }[] } & Record<string, unknown>;
  raw: string;
}

/** What the server does with a request: a completion text, or a raw reply. */
export type Script =
  | { content: string; delayMs?: number }
  | { status: number; body?: string }
  | { raw: string }
  | { delayMs: number; content?: string }
  /** Server-sent events: one delta per piece, `gapMs` apart. */
  | { stream: string[]; gapMs?: number };

/** A request from the intent classifier (src/llm/classify.ts), told apart by its system prompt. */
export const isIntentCall = (r: Received) => r.body.messages?.[0]?.content === intentPrompt();

/**
 * A scripted OpenAI-compatible chat endpoint on 127.0.0.1 (POST /v1/chat/completions, non-streaming).
 * `next` decides each reply from the request; with `intents`, the intent classifier's requests are
 * answered by it instead (suites about answers give it a plain label). Every request is kept in `received`.
 */
export async function startLlmServer(next: (req: Received) => Script, opts: { intents?: (req: Received) => Script } = {}) {
  const received: Received[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      let body: Received['body'] = {};
      try {
        body = JSON.parse(raw || '{}');
      } catch {
        /* kept as raw */
      }
      const r: Received = { path: req.url ?? '', body, raw };
      received.push(r);
      if (!req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end('{"error":{"message":"not found"}}');
        return;
      }
      const script = opts.intents && isIntentCall(r) ? opts.intents(r) : next(r);
      const send = () => {
        if (res.destroyed) return;
        if ('stream' in script) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          const pieces = [...script.stream];
          const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
            `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model: body.model ?? 'test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
          res.write(chunk({ role: 'assistant', content: '' }));
          const step = () => {
            if (res.destroyed) return;
            const piece = pieces.shift();
            if (piece === undefined) {
              res.end(`${chunk({}, 'stop')}data: [DONE]\n\n`);
              return;
            }
            res.write(chunk({ content: piece }));
            if (script.gapMs) setTimeout(step, script.gapMs).unref();
            else setImmediate(step);
          };
          step();
          return;
        }
        if ('status' in script) {
          res.writeHead(script.status, { 'content-type': 'application/json' }).end(script.body ?? '{"error":{"message":"internal error"}}');
        } else if ('raw' in script) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(script.raw);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(body.model ?? 'test', script.content ?? '')));
        }
      };
      const delay = 'delayMs' in script ? script.delayMs ?? 0 : 0;
      if (delay) setTimeout(send, delay).unref();
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type LlmServer = Awaited<ReturnType<typeof startLlmServer>>;

/**
 * The setup every LLM suite shares, so each test file need not repeat it: registers the vitest hooks
 * that start a scripted server (`next`, `opts.intents` as in startLlmServer), open an app in a temp dir
 * whose LLM_BASE_URL points at it (LLM_MODEL 'm', LLM_TIMEOUT_MS '400', overridden by `opts.env`),
 * write `opts.files` (name → text) and add them to the knowledge base; closes all of it after the file,
 * and forgets the requests received before each test. Read `server`, `app`, `dir` inside tests only.
 */
export function llmSuite(
  next: (req: Received) => Script,
  opts: { intents?: (req: Received) => Script; env?: Record<string, string>; files?: Record<string, string> } = {},
) {
  let server: LlmServer;
  let app: App;
  let t: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    server = await startLlmServer(next, { intents: opts.intents });
    t = tempDir();
    const files = Object.entries(opts.files ?? {}).map(([name, text]) => {
      mkdirSync(join(t.dir, 'files'), { recursive: true });
      writeFileSync(join(t.dir, 'files', name), text);
      return join(t.dir, 'files', name);
    });
    app = await testApp(join(t.dir, 'data'), { env: { LLM_BASE_URL: server.baseURL, LLM_MODEL: 'm', LLM_TIMEOUT_MS: '400', ...opts.env } });
    if (files.length) await addFiles(app.kb, files, { maxBytes: 1e7 });
  });
  afterAll(async () => {
    app?.close();
    t?.cleanup();
    await server?.close();
  });
  beforeEach(() => {
    server.received.length = 0;
  });
  return {
    get server() {
      return server;
    },
    get app() {
      return app;
    },
    get dir() {
      return t.dir;
    },
  };
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}
