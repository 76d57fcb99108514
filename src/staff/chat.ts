import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import type { KnowledgeBase } from '../knowledge/base.ts';
import { LoadError } from '../knowledge/loaders/index.ts';
import type { Logger } from '../log.ts';
import { memberStatusName } from '../flows/join-union.ts';
import { loadTexts } from '../lib/texts.ts';
import { addFiles, ImportErrors, removeDocument } from './kb.ts';
import { isOverdue, listComplaints, parseComplaintStatus, updateComplaint } from './complaints.ts';
import { StaffError } from './errors.ts';
import { listMembers, updateMember } from './members.ts';
import type { Store } from '../store/store.ts';
import { dayOf } from '../lib/dates.ts';
import { maskPhone } from '../lib/privacy.ts';
import type { Attachment, Incoming, Reply } from '../lib/types.ts';

/**
 * Staff commands in chat: the same actions as the CLI (this folder's other modules), for the chat
 * identities named in the config (STAFF_TELEGRAM_IDS, STAFF_WECHAT_IDS) or in the database.
 * Everyone else gets a polite refusal; every staff action, reads included, goes to the audit log.
 * Only in private chats: the lists show personal data.
 */

/**
 * The refusals, from prompts/channels.yaml beside the other chat texts. Read here rather than
 * taken from core's etiquette texts: core uses staff, so staff must not import core.
 */
const texts = loadTexts('channels', z.object({ staffOnly: z.string(), staffInGroup: z.string() }));

export interface StaffChatDeps {
  records: Store;
  kb: KnowledgeBase;
  /** Staff user ids per channel from the config. */
  staffIds: Record<string, string[]>;
  /** Where files sent with /kb add are kept (they are the documents' sources). */
  uploadDir: string;
  maxFileBytes: number;
  log?: Logger;
}

type Command = { name: string; args: string[]; rest: string };

/** How long after "/kb add" without a file the next file sent is taken as the document. */
const AWAIT_FILE_MS = 10 * 60 * 1000;
const MAX_LINES = 60;

/** Slash commands and their Chinese forms: name → patterns (the rest of the line are arguments). */
const COMMANDS: [string, RegExp][] = [
  ['myid', /^(?:\/myid(?:@\S+)?|我的编号)$/i],
  ['kb add', /^(?:\/kb(?:@\S+)?\s+add|知识库\s*(?:添加|导入|更新))(?:\s+|$)/i],
  ['kb list', /^(?:\/kb(?:@\S+)?\s+list|\/kb(?:@\S+)?$|知识库\s*(?:列表|清单)?$)(?:\s+|$)/i],
  ['kb remove', /^(?:\/kb(?:@\S+)?\s+(?:remove|rm|delete)|知识库\s*删除)(?:\s+|$)/i],
  ['gaps', /^(?:\/gaps(?:@\S+)?|知识缺口)(?:\s+|$)/i],
  ['members', /^(?:\/members(?:@\S+)?|入会申请)(?:\s+|$)/i],
  ['approve', /^(?:\/approve(?:@\S+)?|批准入会)(?:\s+|$)/i],
  ['reject', /^(?:\/reject(?:@\S+)?|不批准入会)(?:\s+|$)/i],
  ['cases', /^(?:\/cases(?:@\S+)?|投诉列表)(?:\s+|$)/i],
  ['case', /^(?:\/case(?:@\S+)?|更新投诉)(?:\s+|$)/i],
];

export function parseStaffCommand(text: string): Command | undefined {
  const t = text.trim();
  for (const [name, re] of COMMANDS) {
    const m = re.exec(t);
    if (!m) continue;
    const rest = t.slice(m[0].length).trim();
    return { name, rest, args: rest ? rest.split(/\s+/) : [] };
  }
  return undefined;
}

const safeName = (name: string) => {
  const base = basename(name).replace(/[\u0000-\u001f<>:"/\\|?*]+/g, '_').replace(/^\.+/, '').slice(0, 120);
  return base || 'document.txt';
};

export class StaffChat {
  private readonly awaiting = new Map<string, number>();

  constructor(private readonly deps: StaffChatDeps) {}

  async isStaff(channel: string, userId: string): Promise<boolean> {
    return (this.deps.staffIds[channel] ?? []).includes(userId) || (await this.deps.records.staff.has(channel, userId));
  }

  /** Every chat identity with staff rights: where alerts (a WeChat logout) are sent. */
  async identities(): Promise<{ channel: string; userId: string }[]> {
    const all = new Map<string, { channel: string; userId: string }>();
    for (const [channel, ids] of Object.entries(this.deps.staffIds)) for (const userId of ids) all.set(`${channel}:${userId}`, { channel, userId });
    for (const s of await this.deps.records.staff.list()) all.set(`${s.channel}:${s.userId}`, { channel: s.channel, userId: s.userId });
    return [...all.values()];
  }

  /** Puts a message for every staff member into the outbox (private chat = their user id). */
  async alert(text: string, now: Date, except?: string): Promise<void> {
    for (const s of await this.identities()) {
      if (s.channel === except) continue;
      await this.deps.records.outbox.add({ channel: s.channel, chatId: s.userId, userId: s.userId }, text, now);
    }
  }

  /** The replies to a staff command, or undefined when the message is not one. */
  async handle(incoming: Incoming, text: string, now: Date): Promise<Reply[] | undefined> {
    const key = `${incoming.channel}\u0000${incoming.chatId}\u0000${incoming.userId}`;
    let cmd = parseStaffCommand(text);
    if (!cmd) {
      // a file sent shortly after "/kb add" without one
      const until = this.awaiting.get(key);
      if (until === undefined || !incoming.attachments?.length) return undefined;
      this.awaiting.delete(key);
      if (until < now.getTime()) return undefined;
      cmd = { name: 'kb add', args: [], rest: '' };
    }
    // anyone may ask: it is how a new staff member finds the id to put in STAFF_TELEGRAM_IDS
    if (cmd.name === 'myid') return [{ text: `你在 ${incoming.channel} 上的用户编号是：${incoming.userId}` }];
    if (!(await this.isStaff(incoming.channel, incoming.userId))) {
      this.deps.log?.info({ channel: incoming.channel, command: cmd.name }, 'staff command refused');
      return [{ text: texts.staffOnly }];
    }
    if (incoming.isGroup) return [{ text: texts.staffInGroup }];
    const actor = `${incoming.channel}:${incoming.userId}`;
    try {
      return await this.run(cmd, incoming, actor, now, key);
    } catch (err) {
      if (err instanceof StaffError || err instanceof ImportErrors || err instanceof LoadError) return [{ text: err.message }];
      throw err;
    }
  }

  private async run(cmd: Command, incoming: Incoming, actor: string, now: Date, key: string): Promise<Reply[]> {
    const { records, kb } = this.deps;
    const audit = (action: string, target: string, detail: Record<string, unknown> = {}) => records.audit.add(actor, action, target, detail, now);
    switch (cmd.name) {
      case 'kb add': {
        const files = (incoming.attachments ?? []).filter((a) => a.kind !== 'image' && a.kind !== 'audio' && a.kind !== 'video');
        if (!files.length) {
          this.awaiting.set(key, now.getTime() + AWAIT_FILE_MS);
          return [{ text: '好的，请在 10 分钟内把文件发给我（.md .txt .html .docx .pdf），同名文件会替换原来的文档。' }];
        }
        if (!incoming.fetchAttachment) return [{ text: '这个渠道收不了文件，请用命令行 gongyou kb add 导入。' }];
        const paths: string[] = [];
        const dir = join(this.deps.uploadDir, incoming.channel);
        mkdirSync(dir, { recursive: true });
        for (const a of files) paths.push(await this.save(a, incoming.fetchAttachment, dir));
        const summary = await addFiles(kb, paths, {
          maxBytes: this.deps.maxFileBytes,
          sourceOf: (p) => `uploads/${incoming.channel}/${basename(p)}`,
          actor,
          now,
        });
        for (const r of summary.results) await audit('kb.add', r.doc.id, { status: r.status, chunks: r.chunks, source: r.doc.source });
        const lines = summary.results.map(
          (r) => `${r.status === 'added' ? '新增' : r.status === 'replaced' ? '更新' : '未变'} ${r.doc.id}  ${r.doc.title}（${r.chunks} 段）`,
        );
        return [{ text: `已导入知识库：\n${lines.join('\n')}\n现在就可以回答相关问题了。` }];
      }
      case 'kb list': {
        await audit('kb.list', '-');
        const docs = kb.listDocuments();
        if (!docs.length) return [{ text: '知识库是空的。' }];
        const lines = docs.slice(0, MAX_LINES).map((d) => `${d.id} [${d.category}] ${d.title}`);
        const more = docs.length > MAX_LINES ? `\n……只列出前 ${MAX_LINES} 个，完整列表用 gongyou kb list。` : '';
        return [{ text: `知识库共 ${docs.length} 个文档：\n${lines.join('\n')}${more}` }];
      }
      case 'kb remove': {
        const id = cmd.args[0];
        if (!id) return [{ text: '用法：/kb remove <文档编号>（编号见 /kb list）' }];
        const doc = await removeDocument(kb, id);
        if (!doc) return [{ text: `找不到文档 ${id}。用 /kb list 查看编号。` }];
        await audit('kb.remove', doc.id, { source: doc.source });
        return [{ text: `已删除 ${doc.id}  ${doc.title}` }];
      }
      case 'gaps': {
        await audit('gaps.list', '-');
        const gaps = kb.store.listGaps(30);
        if (!gaps.length) return [{ text: '暂时没有知识缺口。' }];
        return [{ text: `最近没能回答的问题：\n${gaps.map((g) => `${g.askedAt.slice(5, 16).replace('T', ' ')}  ${maskPhone(g.question)}`).join('\n')}` }];
      }
      case 'members': {
        const all = cmd.args[0] === 'all' || cmd.args[0] === '全部';
        await audit('members.list', all ? 'all' : 'pending');
        const list = await listMembers(records, all ? {} : { status: 'pending' });
        if (!list.length) return [{ text: all ? '还没有入会申请。' : '没有待审核的入会申请。' }];
        const lines = list.slice(0, MAX_LINES).map((m) => `${m.id} ${memberStatusName(m.status)} ${m.name} ${maskPhone(m.phone)} ${m.city} ${m.workType} ${m.platform}`);
        return [{ text: `${all ? '入会申请' : '待审核的入会申请'}（${list.length} 条）：\n${lines.join('\n')}\n通过：/approve <编号> [留言]；不通过：/reject <编号> [留言]` }];
      }
      case 'approve':
      case 'reject': {
        const [id, ...note] = cmd.args;
        if (!id) return [{ text: `用法：/${cmd.name} <申请编号> [给申请人的留言]` }];
        const m = await updateMember(records, id, cmd.name === 'approve' ? 'approved' : 'rejected', note.join(' ') || null, actor, now);
        return [{ text: `已更新 ${m.id}：${memberStatusName(m.status)}。结果会发给申请人。` }];
      }
      case 'cases': {
        const today = dayOf(now);
        const overdue = cmd.args[0] === 'overdue' || cmd.args[0] === '超期';
        await audit('complaints.list', overdue ? 'overdue' : 'open');
        const list = (await listComplaints(records, { overdue, today })).filter((c) => c.status === '已受理' || c.status === '处理中');
        if (!list.length) return [{ text: overdue ? '没有超期的投诉。' : '没有未办结的投诉。' }];
        const lines = list.slice(0, MAX_LINES).map((c) => `${c.ticket} ${c.status} ${c.category} ${c.platform} ${c.city} 计划办结 ${c.dueDate}${isOverdue(c, today) ? ' 【超期】' : ''}`);
        return [{ text: `未办结的投诉（${list.length} 条）：\n${lines.join('\n')}\n更新：/case <编号> <已受理|处理中|已办结|已转办> <留言>` }];
      }
      case 'case': {
        const [ticket, status, ...note] = cmd.args;
        if (!ticket || !status) return [{ text: '用法：/case <投诉编号> <已受理|处理中|已办结|已转办> <给投诉人的留言>' }];
        const c = await updateComplaint(records, ticket, parseComplaintStatus(status), note.join(' ') || null, actor, now);
        return [{ text: `已更新 ${c.ticket}：${c.status}。投诉人会收到通知。` }];
      }
    }
    return [];
  }

  private async save(a: Attachment, fetch: (a: Attachment) => Promise<Buffer>, dir: string): Promise<string> {
    const bytes = await fetch(a);
    if (bytes.length > this.deps.maxFileBytes) throw new StaffError(`文件太大了（上限 ${Math.round(this.deps.maxFileBytes / 1024 / 1024)} MB）。`);
    let name = safeName(a.name ?? `${a.ref}.txt`);
    if (!extname(name)) name += '.txt';
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  }
}
