import { z } from 'zod';
import { fill, loadTexts } from '../lib/texts.ts';
import { normaliseForIntent } from './intent.ts';
import type { Incoming, Reply } from '../lib/types.ts';

/**
 * Group etiquette, the same for every channel: in a group the assistant speaks only when
 * addressed (an @mention, a reply to it, or a trigger word), only in allowed groups, within
 * per-user and per-group quotas, and points to its earlier answer when the same question comes
 * again within a few minutes. Counters live in memory: they protect one process from a flood and
 * need not survive a restart.
 */

export const channelText = loadTexts(
  'channels',
  z.object({
    welcome: z.string(),
    repeated: z.string(),
    userQuota: z.string(),
    addressQuota: z.string(),
    groupQuota: z.string(),
    privateHow: z.string(),
    handoffResume: z.string(),
    unknownCommand: z.string(),
    webWelcome: z.string(),
    webPrivacy: z.string(),
  }),
);

export interface EtiquetteOptions {
  botName: string;
  /** Words that address the assistant in a group; default: its name. */
  triggerWords: string[];
  /** Minutes within which the same group question gets a pointer (0: off). */
  repeatMinutes: number;
  /** Messages addressed to the assistant one person may send per hour in groups (0: no limit). */
  userQuotaPerHour: number;
  /** Messages one person may send per hour in private chats (0: no limit): a flood guard. */
  privateQuotaPerHour: number;
  /** Addressed messages per group per hour (0: no limit). */
  groupQuotaPerHour: number;
  /**
   * Messages per client address (group) per hour, for channels that know one (the web chat; 0 or
   * unset: no limit). Anyone can get a new web identity by dropping the cookie, not a new address.
   */
  addressQuotaPerHour?: number;
  /** Groups the assistant speaks in ("channel:chatId" or a bare chat id); empty: every group. */
  allowlist: string[];
}

export type Gate =
  /** Say nothing (not addressed, not allowed, over a quota already told). */
  | { kind: 'silent' }
  /** Say only this (a quota notice, a pointer to an earlier answer). */
  | { kind: 'reply'; replies: Reply[] }
  /** Go on with this text (trigger word taken out). */
  | { kind: 'go'; text: string };

const HOUR = 3600 * 1000;
/** Questions shorter than this ("你好", "谢谢") are never treated as repeats. */
const MIN_REPEAT_CHARS = 4;

interface Window {
  times: number[];
  /** The quota notice went out in this window already. */
  told: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Etiquette {
  private readonly users = new Map<string, Window>();
  private readonly privates = new Map<string, Window>();
  private readonly groups = new Map<string, Window>();
  private readonly addresses = new Map<string, Window>();
  /** group → normalised question → when it was answered. */
  private readonly answered = new Map<string, Map<string, number>>();
  private readonly trigger?: RegExp;
  private lastPrune = 0;

  constructor(private readonly opts: EtiquetteOptions) {
    const words = opts.triggerWords.filter(Boolean).map(escapeRegExp);
    // "@工友助手 …", "工友助手，…", "… 工友助手" — the word and the punctuation around it go
    if (words.length) this.trigger = new RegExp(`[@＠]?\\s*(?:${words.join('|')})[\\s,，:：、!！?？]*`, 'u');
  }

  /** Whether the assistant may speak in this group at all. */
  allowed(channel: string, chatId: string): boolean {
    const list = this.opts.allowlist;
    return !list.length || list.includes(`${channel}:${chatId}`) || list.includes(chatId);
  }

  /** The line the assistant says when it joins a group (nothing in a group it may not speak in). */
  welcome(channel: string, chatId: string): Reply[] {
    if (!this.allowed(channel, chatId)) return [];
    return [{ text: fill(channelText.welcome, { name: this.opts.botName, trigger: this.opts.triggerWords[0] ?? this.opts.botName }) }];
  }

  /** Decides whether and with what text the conversation goes on. */
  before(incoming: Incoming, text: string, now: Date): Gate {
    const t = now.getTime();
    this.prune(t);
    let message = text;
    if (incoming.isGroup) {
      const found = this.trigger?.exec(message);
      if (found) message = (message.slice(0, found.index) + message.slice(found.index + found[0].length)).trim();
      if (!incoming.mentioned && !incoming.replyToBot && !found) return { kind: 'silent' };
      if (!this.allowed(incoming.channel, incoming.chatId)) return { kind: 'silent' };
    }
    if (incoming.clientAddress && this.opts.addressQuotaPerHour) {
      // told every time: many honest workers may share one address (a station's Wi-Fi, a carrier's NAT)
      const a = this.count(this.addresses, `${incoming.channel}:${incoming.clientAddress}`, this.opts.addressQuotaPerHour, t);
      if (a !== 'ok') return { kind: 'reply', replies: [{ text: channelText.addressQuota }] };
    }
    const user = incoming.isGroup
      ? this.count(this.users, `${incoming.channel}:${incoming.userId}`, this.opts.userQuotaPerHour, t)
      : this.count(this.privates, `${incoming.channel}:${incoming.userId}`, this.opts.privateQuotaPerHour, t);
    if (user === 'over') return { kind: 'silent' };
    if (user === 'tell') return { kind: 'reply', replies: [{ text: channelText.userQuota }] };
    if (incoming.isGroup) {
      const group = `${incoming.channel}:${incoming.chatId}`;
      const key = normaliseForIntent(message);
      const when = this.answered.get(group)?.get(key);
      if (when !== undefined && key.length >= MIN_REPEAT_CHARS && t - when <= this.opts.repeatMinutes * 60_000) {
        return { kind: 'reply', replies: [{ text: fill(channelText.repeated, { minutes: Math.max(1, Math.round((t - when) / 60_000)) }) }] };
      }
      const g = this.count(this.groups, group, this.opts.groupQuotaPerHour, t);
      if (g === 'over') return { kind: 'silent' };
      if (g === 'tell') return { kind: 'reply', replies: [{ text: channelText.groupQuota }] };
    }
    return { kind: 'go', text: message };
  }

  /** Remembers a group question that got an answer with sources, for the repeat pointer. */
  after(incoming: Incoming, text: string, replies: Reply[], now: Date): void {
    if (!incoming.isGroup || !this.opts.repeatMinutes) return;
    if (!replies.some((r) => r.sources?.length)) return;
    const key = normaliseForIntent(text);
    if (key.length < MIN_REPEAT_CHARS) return;
    const group = `${incoming.channel}:${incoming.chatId}`;
    let m = this.answered.get(group);
    if (!m) this.answered.set(group, (m = new Map()));
    m.set(key, now.getTime());
  }

  /** 'ok', or 'tell' the first time over the quota in the hour, or 'over' after that. */
  private count(map: Map<string, Window>, key: string, quota: number, t: number): 'ok' | 'tell' | 'over' {
    if (!quota) return 'ok';
    let w = map.get(key);
    if (!w) map.set(key, (w = { times: [], told: false }));
    w.times = w.times.filter((x) => t - x < HOUR && x <= t);
    if (w.times.length >= quota) {
      if (w.told) return 'over';
      w.told = true;
      return 'tell';
    }
    w.told = false;
    w.times.push(t);
    return 'ok';
  }

  /** Drops what is older than it can matter, at most once a minute. */
  private prune(t: number): void {
    if (t - this.lastPrune < 60_000 && t >= this.lastPrune) return;
    this.lastPrune = t;
    for (const map of [this.users, this.privates, this.groups, this.addresses]) {
      for (const [k, w] of map) if (!w.times.some((x) => t - x < HOUR)) map.delete(k);
    }
    const keep = Math.max(this.opts.repeatMinutes, 1) * 60_000;
    for (const [g, m] of this.answered) {
      for (const [q, at] of m) if (t - at > keep) m.delete(q);
      if (!m.size) this.answered.delete(g);
    }
  }
}
