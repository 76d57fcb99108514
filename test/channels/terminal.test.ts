import { PassThrough } from 'node:stream';
import { TerminalChannel } from '../../src/channels/terminal/index.ts';
import { createLogger } from '../../src/log.ts';
import { channelContract, until, type Harness, type Seen } from './contract.case.ts';

/** The terminal adapter (what `gongyou chat` runs) through the shared contract, one process per worker. */

const log = createLogger('silent');

channelContract('terminal', async (engine): Promise<Harness> => {
  const terminals = new Map<string, { input: PassThrough; out: string[]; channel: TerminalChannel }>();
  let failing = false;
  const open = (user: string, group?: string) => {
    const key = `${group ?? ''}/${user}`;
    if (!terminals.has(key)) {
      const input = new PassThrough();
      const out: string[] = [];
      const output = new PassThrough();
      output.on('data', (b: Buffer) => {
        if (failing) return; // the terminal went away: what was printed is lost
        out.push(b.toString('utf8'));
      });
      const channel = new TerminalChannel({ engine, log, input, output, botName: '工友助手', user, group });
      void channel.start();
      terminals.set(key, { input, out, channel });
    }
    return terminals.get(key)!;
  };
  const say = async (user: string, line: string, group?: string): Promise<Seen[]> => {
    const t = open(user, group);
    const before = t.out.length;
    const handled = engine.calls;
    t.input.write(`${line}\n`);
    await until(() => engine.calls > handled);
    await new Promise((r) => setTimeout(r, 20));
    return t.out
      .slice(before)
      .join('')
      .split(/\n(?=工友助手：)/)
      .filter((s) => s.trim())
      .map((s) => ({ text: s.replace(/^工友助手：/, '').trim() }));
  };
  return {
    caps: { groups: true, push: false, attachments: false, maxLength: Infinity },
    dm: (user, text) => say(user, text),
    group: (group, user, text, { mention }) => say(user, mention ? `@工友助手 ${text}` : text, group),
    // the terminal has no push: a notice comes with the worker's next message
    outbox: async (user) => (await say(user, '你好')).filter((s) => s.text.includes('【工会通知】')),
    address: (user) => ({ channel: 'terminal', chatId: `dm:${user}`, userId: user }),
    failSends: (f) => {
      failing = f;
    },
    async close() {
      for (const t of terminals.values()) {
        t.input.end();
        await t.channel.stop();
      }
    },
  };
});
