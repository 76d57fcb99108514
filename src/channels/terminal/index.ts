import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Incoming, Reply } from '../../lib/types.ts';
import { runTurn } from '../common.ts';
import type { Channel, ChannelDeps } from '../types.ts';

/**
 * The terminal: one line in, the replies printed as "工友助手：…". In group mode a line that starts
 * with "@工友助手" is a mention (the terminal's way of addressing the bot); every other line is
 * group chatter the engine decides about.
 */
export interface TerminalOptions extends ChannelDeps {
  input: Readable;
  output: Writable;
  botName: string;
  user: string;
  name?: string;
  /** Simulated group id: the conversation is a group chat. */
  group?: string;
  /** Printed first, and "exit" ends the conversation (an interactive terminal). */
  welcome?: string;
}

export class TerminalChannel implements Channel {
  readonly name = 'terminal';
  readonly maxLength = Infinity;
  private done?: Promise<void>;
  private closed = false;
  private rl?: ReturnType<typeof createInterface>;

  constructor(private readonly opts: TerminalOptions) {}

  get chatId(): string {
    return this.opts.group ? `group:${this.opts.group}` : `dm:${this.opts.user}`;
  }

  describe(): string {
    return `terminal (${this.chatId})`;
  }

  /** Reads lines until the input ends; `finished` resolves then. */
  async start(): Promise<void> {
    this.done ??= this.loop();
  }

  get finished(): Promise<void> {
    return this.done ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.rl?.close();
    await this.done?.catch(() => undefined);
  }

  async send(_chatId: string, replies: Reply[]): Promise<void> {
    for (const r of replies) this.print(`${this.opts.botName}：${r.text}\n`);
  }

  /** Turns one typed line into an Incoming (undefined: nothing to send). */
  translate(raw: string): Incoming | undefined {
    const { opts } = this;
    let line = raw.trim();
    const mention = new RegExp(`^[@＠]\\s*${opts.botName}`).exec(line);
    if (mention) line = line.slice(mention[0].length).trim();
    if (!opts.group && !line) return undefined;
    return {
      channel: this.name,
      chatId: this.chatId,
      userId: opts.user,
      userName: opts.name,
      isGroup: Boolean(opts.group),
      mentioned: Boolean(mention),
      text: line,
      at: new Date(),
    };
  }

  private print(s: string): void {
    this.opts.output.write(s.endsWith('\n') ? s : `${s}\n`);
  }

  private async loop(): Promise<void> {
    const { opts } = this;
    if (opts.welcome) this.print(`${opts.botName}：${opts.welcome}`);
    this.rl = createInterface({ input: opts.input, crlfDelay: Infinity, terminal: false });
    for await (const raw of this.rl) {
      if (this.closed) break;
      if (opts.welcome && /^(exit|quit|\/quit)$/i.test(raw.trim())) break;
      const incoming = this.translate(raw);
      if (!incoming) continue;
      await runTurn(opts.engine, incoming, (r) => this.send(incoming.chatId, r), opts.log);
    }
  }
}
