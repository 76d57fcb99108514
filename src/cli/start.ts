import type { Command } from 'commander';
import { startChannels } from '../channels/start.ts';
import { BadInput, withApp } from './common.ts';

/** `gongyou start`: the web chat and every configured channel, until SIGINT or SIGTERM. */

const BOT_NAME = '工友助手';

export function addStartCommand(program: Command): void {
  program
    .command('start')
    .description('运行助手：网页聊天（PORT），配置了 Telegram / 微信时同时接入')
    .option('--port <port>', '网页聊天的端口（默认 PORT 或 3000）')
    .action((opts: { port?: string }) =>
      withApp(async (app) => {
        const port = opts.port === undefined ? undefined : Number(opts.port);
        if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new BadInput(`端口不对：${opts.port}`);
        const running = await startChannels(app, { port, onStatus: (line) => process.stderr.write(`  · ${line}\n`) });
        process.stderr.write(`${BOT_NAME}已启动：\n  · web ${running.server.url}\n`);
        app.log.info({ channels: running.channels.map((c) => c.name) }, 'channels up');
        void running.settled.then(() => process.stderr.write('按 Ctrl+C 停止。\n'));
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            app.log.info({ signal }, 'shutting down');
            process.stderr.write(`正在停止（${signal}）……\n`);
            running.stop().finally(resolve);
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        });
        // a library that keeps a handle open must not keep a stopped assistant alive
        setTimeout(() => process.exit(), 3000).unref();
      }),
    );
}
