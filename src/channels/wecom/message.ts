import type { BaseMessage, TextMessage } from '@wecom/aibot-node-sdk';
import { fill } from '../../lib/texts.ts';
import type { Incoming } from '../../lib/types.ts';
import { mentionOf } from './mention.ts';
import { wecomTexts } from './texts.ts';

/**
 * A message of the 智能机器人 (the same JSON in both modes) as the engine's `Incoming`, or the text
 * to answer at once (a kind not read). A group's chat id is its chatid, a private chat's the
 * worker's userid; in a group the @-mention of `botName` (or `mentionName`) is taken out.
 */
export function toIncoming(channel: string, m: BaseMessage, botName: string, mentionName?: string): Incoming | string {
  const user = m.from.userid;
  const isGroup = m.chattype === 'group' && Boolean(m.chatid);
  const raw = m.msgtype === 'text' ? ((m as TextMessage).text?.content ?? '') : m.msgtype === 'voice' ? String(m.voice?.content ?? '') : undefined;
  if (raw === undefined) return wecomTexts.wecomUnsupported;
  const names = [mentionName, botName].filter((n): n is string => Boolean(n));
  const { text, mentioned } = isGroup ? mentionOf(raw, names) : { text: raw.trim(), mentioned: false };
  return {
    channel,
    chatId: isGroup ? m.chatid! : user,
    userId: user,
    isGroup,
    mentioned: isGroup ? mentioned : undefined,
    text,
    at: m.create_time ? new Date(m.create_time * (m.create_time > 1e12 ? 1 : 1000)) : undefined,
    privateHint: isGroup ? fill(wecomTexts.wecomPrivateHint, { name: mentionName ?? botName }) : undefined,
  };
}
