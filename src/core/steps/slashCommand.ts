import { fill } from '../../lib/texts.ts';
import { maskPhone } from '../../lib/privacy.ts';
import { channelText } from '../etiquette.ts';
import type { Step } from './turn.ts';

/** Slash commands any channel may send (Telegram's menu), as the words a worker would type. */
const COMMAND_WORDS: Record<string, string> = {
  help: '帮助',
  join: '我要入会',
  join_union: '我要入会',
  complaint: '我要投诉',
  status: '查询进度',
  complaint_status: '查询进度',
  injury: '我受伤了',
  cancel: '取消',
};

/** "/join" → 我要入会, "/start join" (a deep link's payload) → 我要入会; "/join@our_bot" too. */
export function commandWords(message: string): string {
  const m = /^\/([a-z_]+)(?:@\S+)?(?:\s+(\S+))?\s*$/i.exec(message);
  if (!m) return message;
  const [, cmd, arg] = m;
  const name = cmd!.toLowerCase();
  if (name === 'start') return arg && COMMAND_WORDS[arg.toLowerCase()] ? COMMAND_WORDS[arg.toLowerCase()]! : '/start';
  return COMMAND_WORDS[name] ?? message;
}

/** A slash command becomes the words it stands for; one we do not know is said so, not answered as a question. */
export const slashCommand: Step = async (t, next) => {
  const message = commandWords(t.message);
  t.message = message;
  if (message.startsWith('/') && /^\/[a-z_]+(@\S+)?$/i.test(message.split(/\s/)[0]!) && !/^\/(start|help)\b/i.test(message)) {
    // the command is echoed masked and short: "/a@13812345678" must not repeat a number (this reply skips the mask step)
    t.replies = [{ text: fill(channelText.unknownCommand, { command: maskPhone(message.split(/\s/)[0]!).slice(0, 40) }) }];
    return;
  }
  return next();
};
