import { createInterface } from 'node:readline';
import { Command, CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import { openApp, type App } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import type { AskResult } from './core/ask.ts';
import { InputError, parseCategory } from './knowledge/ingest.ts';
import { formatSize, LoadError } from './knowledge/loaders/index.ts';
import { addFiles, ImportErrors, removeDocument, type AddSummary } from './staff/kb.ts';

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

export function buildProgram(): Command {
  const program = new Command('gongyou')
    .description('工友助手：为外卖骑手、网约车司机、货车司机、快递员解答问题的工会助手')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

  const startChat = async (opts: { user?: string; name?: string; group?: string }) =>
    withApp(async (app) => {
      const interactive = process.stdin.isTTY;
      if (interactive) print(`${BOT_NAME}：你好！有新职伤、入会、平台规则、维权方面的问题，直接问我。输入“退出”结束。`);
      for await (const raw of stdinLines()) {
        let line = raw.trim();
        if (!line) continue;
        if (opts.group) {
          if (!line.startsWith(`@${BOT_NAME}`)) continue;
          line = line.slice(BOT_NAME.length + 1).trim();
        }
        if (interactive && /^(退出|exit|quit)$/i.test(line)) break;
        const r = await app.ask(line, { channel: 'terminal' });
        print(`${BOT_NAME}：${r.answer}\n`);
      }
    });

  program
    .command('start')
    .description('运行助手（网页聊天开放前，先在终端里对话）')
    .action(() => startChat({}));

  program
    .command('chat')
    .description('在终端里对话；--group 模式下以“@工友助手”开头的消息才会回答')
    .option('--user <id>', '用户编号', 'terminal-user')
    .option('--name <name>', '称呼')
    .option('--group <id>', '模拟群聊')
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

  const kb = program.command('kb').description('管理知识库');
  kb.command('add')
    .description('导入或更新文档（.md .txt .html .docx .pdf，或整个文件夹）')
    .argument('<paths...>', '文件或文件夹')
    .option('--category <c>', '分类：新职伤 / 工会 / 平台规则 / 维权 / 法律法规 / 其他')
    .option('--json', '输出 JSON')
    .action((paths: string[], opts: { category?: string; json?: boolean }) =>
      withApp(async (app) => {
        const category = parseCategory(opts.category);
        let bar: ReturnType<typeof progressBar>;
        const summary = await addFiles(app.kb, paths, {
          category,
          maxBytes: app.config.maxFileBytes,
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
        for (const d of docs) print(`${d.id}  [${d.category}]  ${d.title}  (${d.chunkCount ?? 0} 段)  ${d.source}`);
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
        if (opts.json) return print(JSON.stringify(gaps));
        if (!gaps.length) return print('暂时没有知识缺口。');
        for (const g of gaps) print(`${g.askedAt.slice(0, 16).replace('T', ' ')}  ${g.question}`);
      }),
    );
  return program;
}

const COMMANDER_MESSAGES: Record<string, (e: CommanderError) => string> = {
  'commander.unknownCommand': (e) => `未知命令${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou --help 查看可用命令。`,
  'commander.unknownOption': (e) => `未知选项${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou <命令> --help 查看用法。`,
  'commander.missingArgument': (e) => `缺少参数${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou <命令> --help 查看用法。`,
  'commander.optionMissingArgument': (e) => `选项缺少取值${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。`,
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
    if (err instanceof BadInput || err instanceof InputError || err instanceof LoadError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    process.stderr.write(`内部错误：${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.GONGYOU_DEBUG) console.error(err);
    return 2;
  }
}

process.exitCode = await main(process.argv);
