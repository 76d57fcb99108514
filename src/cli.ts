import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Command, CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import { openApp, type App } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import type { AskResult } from './core/ask.ts';
import { dayOf } from './lib/dates.ts';
import { maskPhone } from './lib/privacy.ts';
import { text as conversationText } from './flows/form.ts';
import { InputError, parseCategory } from './knowledge/ingest.ts';
import { formatSize, LoadError } from './knowledge/loaders/index.ts';
import { addFiles, describePending, documentHistory, pendingImport, editDocument, FIELD_NAMES, ImportErrors, removeDocument, rollbackDocument, type AddSummary, type DocumentChanges } from './staff/kb.ts';
import { complaintJson, complaintsCsv, isOverdue, listComplaints, parseComplaintStatus, updateComplaint } from './staff/complaints.ts';
import { StaffError } from './staff/errors.ts';
import { addStaffAccount, setAccountDisabled } from './staff/accounts.ts';
import { neutraliseBidi } from './lib/bidi.ts';
import { listMembers, memberJson, membersCsv, parseMemberDecision, updateMember } from './staff/members.ts';
import { memberStatusName } from './flows/join-union.ts';
import { startChannels } from './channels/start.ts';
import { TerminalChannel } from './channels/terminal/index.ts';
import { describeSystemError } from './lib/system-errors.ts';

/** `gongyou`: the command line. Exit codes: 0 success, 1 bad input, 2 internal error. */

const BOT_NAME = '工友助手';

class BadInput extends Error {}

async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(loadConfig());
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}

async function* stdinLines(): AsyncGenerator<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) yield line;
}

const print = (s: string): void => {
  process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
};
const asJson = (r: AskResult) => JSON.stringify({ intent: r.intent, answer: r.answer, confident: r.confident, sources: r.sources });

function progressBar(total: number, label: string) {
  if (!process.stderr.isTTY || total < 5) return undefined;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {file}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { file: '' });
  return bar;
}

function describeSummary(s: AddSummary): string {
  const files = s.added + s.replaced + s.unchanged;
  const speed = s.seconds > 0 ? `，${formatSize(Math.round(s.bytes / s.seconds))}/秒` : '';
  const lines = [
    `已处理 ${files} 个文件：新增 ${s.added}，更新 ${s.replaced}，未变 ${s.unchanged}；新建索引 ${s.chunks} 段；用时 ${s.seconds.toFixed(1)} 秒${speed}。`,
  ];
  for (const r of s.results) if (r.status !== 'unchanged') lines.push(`  ${r.status === 'added' ? '新增' : '更新'} ${r.doc.id}  ${r.doc.title}（${r.chunks} 段）`);
  if (s.skipped.length) lines.push(`跳过 ${s.skipped.length} 个不支持的文件：${s.skipped.slice(0, 5).join('、')}${s.skipped.length > 5 ? ' 等' : ''}`);
  return lines.join('\n');
}

/** An ISO time as a China-time minute: 2026-11-23 13:05. */
const fmtAt = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

export function buildProgram(): Command {
  const program = new Command('gongyou')
    .description('工友助手：为外卖骑手、网约车司机、货车司机、快递员解答问题的工会助手')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

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

  program
    .command('start')
    .description('运行助手：网页聊天（PORT），配置了 Telegram / 微信时同时接入')
    .option('--port <port>', '网页聊天的端口（默认 PORT 或 3000）')
    .action((opts: { port?: string }) =>
      withApp(async (app) => {
        const port = opts.port === undefined ? undefined : Number(opts.port);
        if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new BadInput(`端口不对：${opts.port}`);
        const running = await startChannels(app, { port, onStatus: (line) => process.stderr.write(`  · ${line}\n`) });
        process.stderr.write(`${BOT_NAME}已启动：\n  · ${running.web.describe()}\n`);
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

  program
    .command('chat')
    .description('在终端里对话；--group 模式下以“@工友助手”开头的消息才会回答')
    .option('--user <id>', '用户编号（同一个编号的对话和记录是连着的）', 'terminal-user')
    .option('--name <name>', '称呼')
    .option('--group <id>', '模拟群聊：只回答以“@工友助手”开头的消息，不在群里收集个人信息')
    .action(startChat);

  program
    .command('ask')
    .description('问一个问题；不带问题时逐行回答标准输入里的每个问题')
    .argument('[question]', '问题')
    .option('--json', '输出 JSON')
    .action((question: string | undefined, opts: { json?: boolean }) =>
      withApp(async (app) => {
        const answer = async (q: string) => {
          const r = await app.ask(q, { channel: 'cli' });
          print(opts.json ? asJson(r) : `${r.answer}\n`);
        };
        if (question !== undefined) {
          if (!question.trim()) throw new BadInput('问题是空的。用法：gongyou ask "新职伤要自己交钱吗？"');
          return answer(question);
        }
        for await (const line of stdinLines()) if (line.trim()) await answer(line);
      }),
    );

  const staffActor = () => {
    try {
      return `cli:${userInfo().username}`;
    } catch {
      return 'cli';
    }
  };

  /** Personal data shown or exported (--json and --csv carry full numbers): written to the audit log like the console's views. */
  const viewed = (app: App, action: string, target: string, rows: number, opts: { json?: boolean; csv?: boolean }) =>
    app.records.audit.add(staffActor(), action, target, { rows, format: opts.csv ? 'csv' : opts.json ? 'json' : 'text' }, new Date());

  const kb = program.command('kb').description('管理知识库');
  kb.command('add')
    .description('导入或更新文档（.md .txt .html .docx .pdf，或整个文件夹）')
    .argument('<paths...>', '文件或文件夹')
    .option('--category <c>', '分类：新职伤 / 工会 / 平台规则 / 维权 / 法律法规 / 其他')
    .option('--json', '输出 JSON')
    .action((paths: string[], opts: { category?: string; json?: boolean }) =>
      withApp(async (app) => {
        const category = parseCategory(opts.category);
        const unfinished = pendingImport(app.kb);
        if (unfinished) console.error(describePending(unfinished));
        let bar: ReturnType<typeof progressBar>;
        const summary = await addFiles(app.kb, paths, {
          category,
          maxBytes: app.config.maxFileBytes,
          actor: staffActor(),
          onProgress: (done, total, file) => {
            bar ??= progressBar(total, '导入');
            bar?.update(done, { file });
          },
        });
        bar?.stop();
        if (opts.json) {
          print(
            JSON.stringify({
              added: summary.added,
              replaced: summary.replaced,
              unchanged: summary.unchanged,
              chunks: summary.chunks,
              seconds: Number(summary.seconds.toFixed(3)),
              skipped: summary.skipped,
              documents: summary.results.map((r) => ({ docId: r.doc.id, title: r.doc.title, source: r.doc.source, status: r.status, chunks: r.chunks })),
            }),
          );
        } else print(describeSummary(summary));
      }),
    );

  kb.command('list')
    .description('列出文档')
    .option('--json', '输出 JSON')
    .action((opts: { json?: boolean }) =>
      withApp(async (app) => {
        const docs = app.kb.listDocuments();
        const unfinished = pendingImport(app.kb);
        if (unfinished) console.error(describePending(unfinished));
        if (opts.json) {
          const rows = docs.map((d) => ({
            docId: d.id,
            title: d.title,
            category: d.category,
            kind: d.kind,
            region: d.region,
            effective: d.effective,
            updated: d.updated,
            version: d.version,
            source: d.source,
            chunks: d.chunkCount ?? 0,
            status: d.status,
            changedAt: d.changedAt,
          }));
          return print(JSON.stringify(rows));
        }
        if (!docs.length) return print('知识库是空的。用 gongyou kb add <文件> 导入文档。');
        // direction controls in a title or file name shown as [U+202E], never taking effect
        for (const d of docs) print(neutraliseBidi(`${d.id}  [${d.category}]  ${d.title}  (${d.chunkCount ?? 0} 段)  ${d.source}`));
        print(`共 ${docs.length} 个文档。`);
      }),
    );

  kb.command('remove')
    .description('删除文档')
    .argument('<docId>', '文档编号（见 kb list）')
    .action((docId: string) =>
      withApp(async (app) => {
        const doc = await removeDocument(app.kb, docId);
        if (!doc) throw new BadInput(`找不到文档 ${docId}。用 gongyou kb list 查看文档编号。`);
        print(`已删除 ${doc.id}  ${doc.title}`);
      }),
    );

  kb.command('edit')
    .description('修改文档信息（回答的出处会用新标题）；空字符串 "" 清空地区、生效日期或版本')
    .argument('<docId>', '文档编号（见 kb list）')
    .option('--title <t>', '标题')
    .option('--category <c>', '分类：新职伤 / 工会 / 平台规则 / 维权 / 法律法规 / 其他')
    .option('--region <r>', '地区')
    .option('--effective <date>', '生效日期，比如 2026-10-01')
    .option('--version <v>', '版本（同一标题有几个版本时，版本号大的排在前面）')
    .action((docId: string, opts: DocumentChanges) =>
      withApp(async (app) => {
        const input: DocumentChanges = { title: opts.title, category: opts.category, region: opts.region, effective: opts.effective, version: opts.version };
        if (Object.values(input).every((v) => v === undefined)) throw new BadInput('没有要修改的内容。用法：gongyou kb edit <docId> --title "新标题" [--category 工会] [--region 杭州] [--effective 2026-10-01] [--version 2026-10-01]');
        const { doc, changes } = await editDocument(app.kb, app.records.audit, docId, input, staffActor(), new Date());
        const lines = Object.entries(changes).map(([f, [from, to]]) => `  ${FIELD_NAMES[f as keyof typeof FIELD_NAMES]}：${from ?? '（空）'} → ${to ?? '（空）'}`);
        print(lines.length ? `已修改 ${doc.id}：\n${lines.join('\n')}` : `${doc.id} 没有改动。`);
      }),
    );

  kb.command('history')
    .description('列出文档的版本记录')
    .argument('<docId>', '文档编号（见 kb list）')
    .option('--json', '输出 JSON')
    .action((docId: string, opts: { json?: boolean }) =>
      withApp(async (app) => {
        const { doc, versions } = documentHistory(app.kb, docId);
        if (opts.json) return print(JSON.stringify(versions.map(({ meta: _meta, ...v }) => v)));
        print(`${doc.id}  ${doc.title}`);
        for (const v of versions) {
          const why = v.reason === 'rollback' ? `回退到第 ${v.rollbackOf} 版` : { added: '新增', replaced: '替换', existing: '启用版本记录前导入' }[v.reason];
          print(`  第 ${v.n} 版${v.current ? '（当前）' : ''}  ${fmtAt(v.at)}  ${v.actor ?? '—'}  ${why}  ${v.sha256.slice(0, 12)}  ${formatSize(v.bytes)}  ${v.chunks} 段  ${v.title}`);
        }
      }),
    );

  kb.command('rollback')
    .description('让文档回到以前的某个版本（回退本身记成一个新版本）')
    .argument('<docId>', '文档编号（见 kb list）')
    .argument('<version>', '版本号（见 kb history）')
    .action((docId: string, version: string) =>
      withApp(async (app) => {
        if (!/^\d+$/.test(version)) throw new BadInput(`版本号“${version}”不对，应当是 kb history 里的数字，比如 2。`);
        const r = await rollbackDocument(app.kb, app.records.audit, docId, Number(version), staffActor(), new Date());
        print(`已把 ${r.doc.id}  ${r.doc.title} 回退到第 ${version} 版（${r.chunks} 段）。`);
      }),
    );

  kb.command('rebuild')
    .description('从已存的文档重建全部索引')
    .action(() =>
      withApp(async (app) => {
        const t = performance.now();
        let bar: ReturnType<typeof progressBar>;
        const r = await app.kb.rebuild((done, total) => {
          bar ??= progressBar(total, '重建索引');
          bar?.update(done, { file: '' });
        });
        bar?.stop();
        print(`已重建索引：${r.docs} 个文档，${r.chunks} 段，用时 ${((performance.now() - t) / 1000).toFixed(1)} 秒。`);
      }),
    );

  kb.command('gaps')
    .description('列出没能回答的问题（知识缺口）')
    .option('--json', '输出 JSON')
    .action((opts: { json?: boolean }) =>
      withApp(async (app) => {
        const gaps = app.kb.store.listGaps();
        viewed(app, 'gaps.list', 'gaps', gaps.length, opts);
        if (opts.json) return print(JSON.stringify(gaps));
        if (!gaps.length) return print('暂时没有知识缺口。');
        for (const g of gaps) print(`${g.askedAt.slice(0, 16).replace('T', ' ')}  ${g.question}`);
      }),
    );

  const members = program.command('members').description('入会申请（工作人员用）');
  members
    .command('list')
    .description('列出入会申请')
    .option('--json', '输出 JSON')
    .option('--csv', '输出 CSV（UTF-8，Excel 可直接打开）')
    .option('--status <s>', '只看某个状态：pending / approved / rejected')
    .action((opts: { json?: boolean; csv?: boolean; status?: string }) =>
      withApp(async (app) => {
        if (opts.status && !['pending', 'approved', 'rejected'].includes(opts.status)) {
          throw new BadInput(`未知状态“${opts.status}”。可用：pending、approved、rejected。`);
        }
        const list = listMembers(app.records, { status: opts.status as 'pending' | undefined });
        viewed(app, 'members.list', opts.status ?? 'all', list.length, opts);
        if (opts.json) return print(JSON.stringify(list.map(memberJson)));
        if (opts.csv) return void process.stdout.write(membersCsv(list));
        if (!list.length) return print('还没有入会申请。');
        for (const m of list) {
          print(`${m.id}  ${memberStatusName(m.status)}  ${m.name}  ${maskPhone(m.phone)}  ${m.city}  ${m.workType}  ${m.platform}  → ${m.unionName}`);
        }
        print(`共 ${list.length} 条（手机号已隐藏中间四位，--json / --csv 里是完整号码）。`);
      }),
    );
  members
    .command('update')
    .description('审核入会申请；结果会发给申请人（--note 的内容也会发给申请人）')
    .argument('<id>', '申请编号，比如 RH-20261123-0001')
    .requiredOption('--status <status>', 'approved（通过）或 rejected（不通过）')
    .option('--note <note>', '给申请人的留言')
    .action((id: string, opts: { status: string; note?: string }) =>
      withApp(async (app) => {
        const m = updateMember(app.records, id, parseMemberDecision(opts.status), opts.note ?? null, staffActor(), new Date());
        print(`已更新 ${m.id}：${memberStatusName(m.status)}。结果会在申请人下次发消息时送到。`);
      }),
    );

  const complaints = program.command('complaints').description('维权投诉（工作人员用）');
  complaints
    .command('list')
    .description('列出投诉')
    .option('--json', '输出 JSON')
    .option('--csv', '输出 CSV（UTF-8，Excel 可直接打开）')
    .option('--overdue', '只看超过计划办结日期还没办结的')
    .action((opts: { json?: boolean; csv?: boolean; overdue?: boolean }) =>
      withApp(async (app) => {
        const today = dayOf(new Date());
        const list = listComplaints(app.records, { overdue: opts.overdue, today });
        viewed(app, 'complaints.list', opts.overdue ? 'overdue' : 'all', list.length, opts);
        if (opts.json) return print(JSON.stringify(list.map((c) => complaintJson(app.records, c, today))));
        if (opts.csv) return void process.stdout.write(complaintsCsv(app.records, list, today));
        if (!list.length) return print(opts.overdue ? '没有超期的投诉。' : '还没有投诉。');
        for (const c of list) {
          const late = isOverdue(c, today) ? '  【超期】' : '';
          print(`${c.ticket}  ${c.status}  ${c.category}  ${c.platform}  ${c.city}  计划办结 ${c.dueDate}${late}  ${maskPhone(c.phone)}`);
        }
        print(`共 ${list.length} 条。`);
      }),
    );
  complaints
    .command('update')
    .description('更新投诉状态：已受理 → 处理中 → 已办结，或 已转办；会通知投诉人（--note 的内容也会发给投诉人）')
    .argument('<ticket>', '投诉编号，比如 WQ-20261123-0007')
    .requiredOption('--status <status>', '已受理 / 处理中 / 已办结 / 已转办（或 accepted / in_progress / resolved / transferred）')
    .option('--note <note>', '给投诉人的留言')
    .action((ticket: string, opts: { status: string; note?: string }) =>
      withApp(async (app) => {
        const c = updateComplaint(app.records, ticket, parseComplaintStatus(opts.status), opts.note ?? null, staffActor(), new Date());
        print(`已更新 ${c.ticket}：${c.status}。投诉人下次发消息时会收到通知。`);
      }),
    );
  const staff = program.command('staff').description('工作人员');
  staff
    .command('add')
    .description('建立工作人员后台（/console）账号，打印一次性密码（首次登录须修改）')
    .argument('<name>', '账号名（2–32 个字母、数字、汉字或 _ . -）')
    .option('--reset', '账号已存在时重设为新的一次性密码')
    .action((name: string, opts: { reset?: boolean }) =>
      withApp(async (app) => {
        const password = addStaffAccount(app.records, name, staffActor(), new Date(), { reset: opts.reset });
        print(`账号：${name.trim()}\n一次性密码：${password}\n请在 ${app.config.publicUrl ?? `http://${app.config.host}:${app.config.port}`}/console 登录，首次登录后必须修改密码。这个密码只显示这一次。`);
      }),
    );
  staff
    .command('list')
    .description('列出工作人员后台账号')
    .action(() =>
      withApp(async (app) => {
        const list = app.records.accounts.list();
        if (!list.length) return print('还没有后台账号。用 gongyou staff add <name> 建立。');
        for (const a of list) print(`${a.name}  ${a.disabled ? '已停用' : a.mustChange ? '待首次登录改密码' : '正常'}  建立于 ${dayOf(new Date(a.createdAt))}`);
      }),
    );
  staff
    .command('disable')
    .description('停用后台账号：不能再登录，已登录的会话立即失效')
    .argument('<name>', '账号名')
    .action((name: string) =>
      withApp(async (app) => {
        setAccountDisabled(app.records, name, true, staffActor(), new Date());
        print(`已停用账号 ${name.trim()}，它的登录已全部失效。要恢复请运行 gongyou staff enable ${name.trim()}。`);
      }),
    );
  staff
    .command('enable')
    .description('重新启用后台账号（密码不变）')
    .argument('<name>', '账号名')
    .action((name: string) =>
      withApp(async (app) => {
        setAccountDisabled(app.records, name, false, staffActor(), new Date());
        print(`已重新启用账号 ${name.trim()}，可以用原来的密码登录。`);
      }),
    );
  staff
    .command('chat-add')
    .description('让一个聊天账号可以用工作人员命令（/kb add、/approve、/case 等）')
    .argument('<channel>', 'telegram 或 wechat')
    .argument('<userId>', '该渠道里的用户编号（Telegram 的数字 id；微信的联系人 id）')
    .option('--name <name>', '备注名')
    .action((channel: string, userId: string, opts: { name?: string }) =>
      withApp(async (app) => {
        if (!['telegram', 'wechat'].includes(channel)) throw new BadInput(`未知渠道“${channel}”。可用：telegram、wechat。`);
        const now = new Date();
        app.records.transaction(() => {
          app.records.staff.add(channel, userId, opts.name ?? null, now);
          app.records.audit.add(staffActor(), 'staff.chat.add', `${channel}:${userId}`, {}, now);
        });
        print(`已添加：${channel} ${userId}${opts.name ? `（${opts.name}）` : ''} 可以在聊天里使用工作人员命令。`);
      }),
    );
  staff
    .command('chat-list')
    .description('列出可以用工作人员命令的聊天账号（配置里的和数据库里的）')
    .action(() =>
      withApp(async (app) => {
        for (const [channel, ids] of Object.entries(app.config.staffIds)) for (const id of ids) print(`${channel}  ${id}  （配置 STAFF_${channel.toUpperCase()}_IDS）`);
        for (const s of app.records.staff.list()) print(`${s.channel}  ${s.userId}  ${s.name ?? ''}`);
      }),
    );
  staff
    .command('chat-remove')
    .description('取消一个聊天账号的工作人员权限')
    .argument('<channel>', 'telegram 或 wechat')
    .argument('<userId>', '用户编号')
    .action((channel: string, userId: string) =>
      withApp(async (app) => {
        const now = new Date();
        const removed = app.records.transaction(() => {
          const ok = app.records.staff.remove(channel, userId);
          if (ok) app.records.audit.add(staffActor(), 'staff.chat.remove', `${channel}:${userId}`, {}, now);
          return ok;
        });
        if (!removed) throw new BadInput(`数据库里没有 ${channel} ${userId}（配置里的请改 .env）。`);
        print(`已取消 ${channel} ${userId} 的工作人员权限。`);
      }),
    );
  return program;
}

const COMMANDER_MESSAGES: Record<string, (e: CommanderError) => string> = {
  'commander.unknownCommand': (e) => `未知命令${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou --help 查看可用命令。`,
  'commander.unknownOption': (e) => `未知选项${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou <命令> --help 查看用法。`,
  'commander.missingArgument': (e) => `缺少参数${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou <命令> --help 查看用法。`,
  'commander.optionMissingArgument': (e) => `选项缺少取值${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。`,
  'commander.missingMandatoryOptionValue': (e) => `缺少必填选项${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou <命令> --help 查看用法。`,
  'commander.excessArguments': () => '参数太多了。运行 gongyou <命令> --help 查看用法。',
};

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      if (err.code === 'commander.help') return 0;
      const msg = COMMANDER_MESSAGES[err.code]?.(err) ?? err.message;
      process.stderr.write(`${msg}\n`);
      return 1;
    }
    if (err instanceof ImportErrors) {
      process.stderr.write(`${err.message}\n知识库没有改动。\n`);
      return 1;
    }
    if (err instanceof BadInput || err instanceof StaffError || err instanceof InputError || err instanceof LoadError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    const plain = describeSystemError(err);
    if (plain) {
      process.stderr.write(`${plain}\n`);
      return 1;
    }
    // an unexpected failure: said in Chinese, with the technical detail kept for the maintainers
    process.stderr.write(`内部错误，没有完成。请把下面这行发给维护人员（设置 GONGYOU_DEBUG=1 再运行可看到详情）：\n${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.GONGYOU_DEBUG) console.error(err);
    return 2;
  }
}

process.exitCode = await main(process.argv);
