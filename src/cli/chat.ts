import type { Command } from 'commander';
import { TerminalChannel } from '../channels/terminal/index.ts';
import { text as conversationText } from '../flows/form.ts';
import { withApp } from './common.ts';

/** `gongyou chat`: a conversation on stdin/stdout through the terminal channel. */

const startChat = async (opts: { user?: string; name?: string; group?: string }) =>
  withApp(async (app) => {
    const terminal = new TerminalChannel({
      engine: app.assistant,
      log: app.log,
      input: process.stdin,
      output: process.stdout,
      botName: app.config.botName,
      user: opts.user ?? 'terminal-user',
      name: opts.name,
      group: opts.group,
      welcome: process.stdin.isTTY ? conversationText.terminalWelcome : undefined,
    });
    await terminal.start();
    await terminal.finished;
  });

export function addChatCommand(program: Command): void {
  program
    .command('chat')
    .description('在终端里对话；--group 模式下以“@工友助手”开头的消息才会回答')
    .option('--user <id>', '用户编号（同一个编号的对话和记录是连着的）', 'terminal-user')
    .option('--name <name>', '称呼')
    .option('--group <id>', '模拟群聊：只回答以“@工友助手”开头的消息，不在群里收集个人信息')
    .action(startChat);
}
