import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { neutraliseBidi } from '../lib/bidi.ts';
import { parseCategory } from '../knowledge/ingest.ts';
import { formatSize } from '../knowledge/loaders/index.ts';
import { addFiles, describePending, documentHistory, pendingImport, editDocument, FIELD_NAMES, removeDocument, rollbackDocument, type AddSummary, type DocumentChanges } from '../staff/kb.ts';
import { BadInput, print, staffActor, viewed, withApp } from './common.ts';

/** `gongyou kb …`: the knowledge base: documents in and out, their versions, the index, the gaps. */

/** A bar on stderr for long imports and rebuilds; none when stderr is not a terminal or the job is small. */
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

export function addKbCommands(program: Command): void {
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
        await viewed(app, 'gaps.list', 'gaps', gaps.length, opts);
        if (opts.json) return print(JSON.stringify(gaps));
        if (!gaps.length) return print('暂时没有知识缺口。');
        for (const g of gaps) print(`${g.askedAt.slice(0, 16).replace('T', ' ')}  ${g.question}`);
      }),
    );
}
