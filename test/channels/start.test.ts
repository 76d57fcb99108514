import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { describe, expect, it } from 'vitest';
import { RETRY_MS, startChannels } from '../../src/channels/start.ts';
import type { WechatChannel } from '../../src/channels/wechat/index.ts';
import { ROOT } from '../../src/paths.ts';
import { tempDir } from '../helpers/app.ts';
import { conversationApp } from '../helpers/conversation.ts';
import { until } from './contract.case.ts';

/** `gongyou start`: which channels come up from the config, retries, and a clean stop on a signal. */

const TOKEN = '123456:start-token';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('gongyou start: channels from the config', () => {
  it('keeps retrying a channel that cannot connect (10 s, 30 s, 1 min, then every 5 min) while the web chat serves', async () => {
    expect(RETRY_MS).toEqual([10_000, 30_000, 60_000, 300_000]);
    const port = await freePort();
    // a Bot API that refuses the token for now (as with a token not yet valid); later the test server takes its port
    const refusing = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
    });
    await new Promise<void>((r) => refusing.listen(port, '127.0.0.1', r));
    const conv = await conversationApp({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` } });
    const lines: string[] = [];
    const running = await startChannels(conv.app, { port: 0, retryMs: [40, 80], onStatus: (l) => lines.push(l) });
    let server: TelegramServer | undefined;
    try {
      expect((await fetch(`${running.server.url}/healthz`)).status).toBe(200);
      await until(() => lines.filter((l) => l.includes('未能启动')).length >= 3, 10_000, 'three failed attempts');
      expect(lines[0]).toMatch(/^telegram 未能启动（连不上 Telegram.*），0\.04 秒后重试$/);
      expect(lines[1]).toMatch(/0\.08 秒后重试$/);
      expect(lines[2]).toMatch(/0\.08 秒后重试$/);
      expect(running.channels.map((c) => c.name)).toEqual(['web']);
      // Telegram comes back: the next attempt brings the channel up
      await new Promise<void>((r) => {
        refusing.close(() => r());
        refusing.closeAllConnections();
      });
      server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
      await server.start();
      await until(() => running.channels.some((c) => c.name === 'telegram'), 10_000, 'telegram up');
      expect(lines.at(-1)).toBe('telegram @TestNameBot (long polling)');
    } finally {
      await running.stop();
      await server?.stop();
      refusing.close();
      conv.close();
    }
  });

  it('a channel still coming up when the assistant stops is taken down once it is up (no polling left behind)', async () => {
    let getUpdates = 0;
    let getMe = 0;
    const api = createServer((req, res) => {
      const method = (req.url ?? '').split('/').pop();
      const reply = (result: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
      if (method === 'getMe') {
        getMe++;
        setTimeout(() => reply({ id: 1, is_bot: true, first_name: 'Bot', username: 'slow_bot' }), 300);
      } else if (method === 'getUpdates') {
        getUpdates++;
        setTimeout(() => reply([]), 20);
      } else reply(true);
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const conv = await conversationApp({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: `http://127.0.0.1:${(api.address() as AddressInfo).port}` } });
    const running = await startChannels(conv.app, { port: 0 });
    try {
      await until(() => getMe > 0, 5_000, 'getMe');
      await running.stop();
      await new Promise((r) => setTimeout(r, 500));
      const after = getUpdates;
      await new Promise((r) => setTimeout(r, 300));
      expect(getUpdates).toBe(after);
    } finally {
      await running.stop();
      api.closeAllConnections();
      await new Promise((r) => api.close(r));
      conv.close();
    }
  });

  it('starts WeChat with the puppet named in WECHATY_PUPPET and its token, its memory card in the data dir', async () => {
    const conv = await conversationApp({ env: { WECHATY_PUPPET: 'wechaty-puppet-mock', WECHATY_PUPPET_TOKEN: 'puppet-token-1' } });
    const lines: string[] = [];
    const running = await startChannels(conv.app, { port: 0, onStatus: (l) => lines.push(l) });
    try {
      await running.settled;
      expect(running.channels.map((c) => c.name)).toEqual(['web', 'wechat']);
      expect(lines).toEqual([`wechat (wechaty-puppet-mock; waiting for login, QR code in ${join(conv.dataDir, 'wechat-login.png')})`]);
      // the login session is kept in the data dir, not the working directory
      const wechat = running.channels[1] as WechatChannel;
      expect((wechat.bot as unknown as { puppet: { options: { token?: string } } }).puppet.options.token).toBe('puppet-token-1');
      await (wechat.bot as unknown as { memory: { save(): Promise<void> } }).memory.save();
      expect(existsSync(join(conv.dataDir, 'wechat.memory-card.json'))).toBe(true);
    } finally {
      await running.stop();
      conv.close();
    }
  });
});

describe('gongyou start as a process', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`says which channels are up, and stops cleanly on ${signal}`, async () => {
      const t = tempDir();
      const child = spawn(process.execPath, [join(ROOT, 'bin/gongyou.js'), 'start', '--port', '0'], {
        cwd: t.dir,
        env: { ...process.env, GONGYOU_DATA_DIR: join(t.dir, 'data'), LOG_LEVEL: 'silent', HOST: '127.0.0.1', TELEGRAM_BOT_TOKEN: '', WECHATY_PUPPET: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        await until(() => err.includes('按 Ctrl+C 停止'), 60_000, 'the start-up lines');
        const url = /web (http:\/\/127\.0\.0\.1:\d+)/.exec(err)![1]!;
        expect(err).toContain('工友助手已启动：');
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
        child.kill(signal);
        const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
        expect(code).toBe(0);
        expect(err).toContain(`正在停止（${signal}）`);
        await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      } finally {
        child.kill('SIGKILL');
        t.cleanup();
      }
    }, 90_000);
  }
});
