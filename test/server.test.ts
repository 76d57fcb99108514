import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { HttpServer } from '../src/server.ts';

/**
 * A webhook whose channel comes up late (Telegram retried after a failed start) still gets its
 * route: Hono takes no new route once it has answered a request, so a health check that came
 * first used to make every later start of the Telegram webhook fail.
 */

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

it("serves a webhook whose handler comes after the server has answered requests; 503 until then", async () => {
  server = new HttpServer({ port: 0, host: '127.0.0.1', log: createLogger('silent') });
  const serve = server.webhook('/telegram/hook-1');
  await server.start();
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  const early = await fetch(`${server.url}/telegram/hook-1`, { method: 'POST', body: '{}' });
  expect(early.status).toBe(503);
  serve((c) => c.json({ ok: true }));
  const late = await fetch(`${server.url}/telegram/hook-1`, { method: 'POST', body: '{}' });
  expect(late.status).toBe(200);
  expect(await late.json()).toEqual({ ok: true });
});
