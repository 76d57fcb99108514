import { Hono, type Context } from 'hono';
import { answerQuestion } from '../knowledge/answer.ts';
import { dayOf } from '../lib/dates.ts';
import { StaffError } from '../staff/errors.ts';
import { addFaqEntry } from '../staff/faq.ts';
import { ImportErrors, pendingImport } from '../staff/kb.ts';
import { CATEGORIES, type Category } from '../store/types.ts';
import { back, BASE, frame, render, type ConsoleCtx, type Env } from './context.ts';
import { groupGaps } from './gaps.ts';
import { html, type Value } from './html.ts';
import { csrfField, fmtTime, table, type Frame } from './pages.ts';
import { pageOf, pager, slice } from './paging.ts';
import { importUpload, uploadedFiles, uploadRows } from './upload.ts';

/** The knowledge base: documents, upload, split preview, enable/disable, delete, 试一试, gaps → FAQ. */
export function kbRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { kb, deps, audit, now } = ctx;
  const app = new Hono<Env>();

  app.get('/kb', async (c) => {
    const f = { q: c.req.query('q')?.trim().slice(0, 100) ?? '', category: CATEGORIES.includes(c.req.query('category') as Category) ? c.req.query('category')! : '' };
    const all = kb.listDocuments().filter((d) => (!f.category || d.category === f.category) && (!f.q || d.title.includes(f.q) || d.source.includes(f.q)));
    const p = pageOf(c, all.length, ctx.pageSize);
    const docs = slice(all, p);
    const csrf = c.get('session').csrf;
    const body = html`<h1>知识库</h1>
${unfinishedImport(ctx)}
<div class="grid">
<section class="card"><h3>上传文档</h3>
<form method="post" action="${BASE}/kb/upload" enctype="multipart/form-data" data-progress>
  ${csrfField(csrf)}
  <p><input type="file" name="files" multiple required accept=".md,.markdown,.txt,.html,.htm,.docx,.pdf"></p>
  <p><label>分类（可不选，按文件里写的或自动判断）<select name="category"><option value="">不指定</option>${CATEGORIES.map((k) => html`<option>${k}</option>`)}</select></label></p>
  <button type="submit">上传并建立索引</button>
  <progress max="1" hidden></progress><span class="progress-note" role="status"></span>
  <p class="muted">支持 .md .txt .html .docx .pdf，可一次选多个文件；同名文件会替换旧版本。</p>
</form></section>
<section class="card"><h3>试一试</h3>
<form method="get" action="${BASE}/kb/try">
  <p><label>像工友那样提一个问题 <input type="search" name="q" required maxlength="500" placeholder="例如：送餐路上摔伤了怎么办"></label></p>
  <button type="submit">看看怎么回答</button>
</form>
<p><a href="${BASE}/kb/gaps">没答上来的问题（知识缺口）</a></p></section>
</div>
<h2>文档（${all.length}）</h2>
<form method="get" action="${BASE}/kb" class="filters">
  <label>标题或文件名 <input type="search" name="q" value="${f.q}" maxlength="100"></label>
  <label>分类 <select name="category"><option value="">全部</option>${CATEGORIES.map((k) => html`<option${k === f.category ? html` selected` : ''}>${k}</option>`)}</select></label>
  <button type="submit">筛选</button>
</form>
${table(
  ['标题', '分类', '地区', '生效日期', '版本', '段数', '状态', ''],
  docs.map((d) => [
    html`<a href="${BASE}/kb/doc/${encodeURIComponent(d.id)}">${d.title}</a><br><span class="muted">${d.source}</span>`,
    d.category,
    d.region ?? '',
    d.effective ?? '',
    d.version ?? d.updated ?? '',
    d.chunkCount ?? '',
    d.status === 'active' ? html`<span class="badge green">在用</span>` : html`<span class="badge red">已停用</span>`,
    html`<a href="${BASE}/kb/doc/${encodeURIComponent(d.id)}">查看分段</a>`,
  ]),
  f.q || f.category ? '没有符合条件的文档。' : '知识库还是空的。',
)}
${pager(`${BASE}/kb`, f, p)}`;
    return render(c, frame(c, '知识库', 'kb'), body);
  });

  app.post('/kb/upload', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const files = uploadedFiles(form.files);
    const categoryText = typeof form.category === 'string' ? form.category.trim() : '';
    const category = CATEGORIES.includes(categoryText as Category) ? (categoryText as Category) : undefined;
    if (categoryText && !category) return render(c, frame(c, '上传结果', 'kb', { kind: 'error', text: `未知分类“${categoryText}”。` }), html`<p><a href="${BASE}/kb">返回知识库</a></p>`, 400);
    if (!files.length) return render(c, frame(c, '上传结果', 'kb', { kind: 'error', text: '请选择要上传的文件。' }), html`<p><a href="${BASE}/kb">返回知识库</a></p>`, 400);
    const rows: Value[][] = [];
    let failed = 0;
    for (const file of files) {
      const { name, summary, messages } = await importUpload(kb, file, { category, maxBytes: deps.maxFileBytes, now: now(), actor: c.get('actor') });
      if (messages) {
        failed++;
        await audit(c.get('actor'), 'console.kb.upload.fail', name, {});
        rows.push([name, html`<span class="badge red">未导入</span>`, messages.join('；')]);
        continue;
      }
      for (const r of summary.results) await audit(c.get('actor'), 'console.kb.upload', r.doc.id, { status: r.status, chunks: r.chunks, file: name });
      rows.push(...uploadRows(name, summary));
    }
    const flash: Frame['flash'] = failed ? { kind: 'error', text: `${files.length} 个文件中有 ${failed} 个没有导入，原因见下表。` } : { kind: 'ok', text: `${files.length} 个文件已处理。` };
    return render(c, frame(c, '上传结果', 'kb', flash), html`<h1>上传结果</h1>${table(['文件', '结果', '说明'], rows)}<p><a href="${BASE}/kb">返回知识库</a></p>`, failed === files.length ? 400 : 200);
  });

  app.get('/kb/try', async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 500);
    if (!q) return c.redirect(`${BASE}/kb`, 302);
    const { answer: a, retrieval: r } = await answerQuestion(kb, q, dayOf(ctx.now()));
    // what a worker would get: with a model, its answer (or the extractive one when the check refused it)
    const written = deps.writer && a.sources.length ? await deps.writer.write(q, a) : undefined;
    const byModel = written
      ? html`<section class="card"><h3>模型写的回答 ${written.by === 'llm' ? html`<span class="badge green">通过检查，工友会看到这个</span>` : html`<span class="badge red">没通过检查或出错，工友会看到下面的原文摘录</span>`}</h3>
<div class="answer">${written.by === 'llm' ? written.answer : '（无）'}</div></section>`
      : '';
    const body = html`<p><a href="${BASE}/kb">← 知识库</a></p><h1>试一试</h1>
<form method="get" action="${BASE}/kb/try" class="filters"><label>问题 <input type="search" name="q" value="${q}" maxlength="500" required></label><button type="submit">再问</button></form>
${byModel}<section class="card"><h3>${written ? '原文摘录的回答' : '回答'} ${a.confident ? html`<span class="badge green">有把握</span>` : html`<span class="badge red">没把握（工友会看到“不确定”的回复）</span>`}${a.kind === 'faq' ? html` <span class="badge">常见问题原答案</span>` : a.kind === 'table' ? html` <span class="badge">按规则算出</span>` : ''}</h3>
<div class="answer">${a.answer}</div></section>
<p class="muted">问题覆盖率 ${(r.coverage * 100).toFixed(0)}%，匹配权重 ${r.matchedWeight.toFixed(1)}。试一试不会记入知识缺口。</p>
<h2>检索到的段落（按得分排序）</h2>
${table(
  ['#', '得分', '文档 › 位置', '内容'],
  r.passages.map((p, i) => [
    String(i + 1),
    p.score.toFixed(4),
    html`<a href="${BASE}/kb/doc/${encodeURIComponent(p.doc.id)}">${p.doc.title}</a><br><span class="muted">${p.chunk.path.join(' › ')}</span>${p.citedBy !== undefined ? html`<br><span class="badge">被第 ${p.citedBy + 1} 段引用</span>` : ''}`,
    p.chunk.text.length > 240 ? `${p.chunk.text.slice(0, 240)}…` : p.chunk.text,
  ]),
  '没有找到相关段落。',
)}`;
    return render(c, frame(c, '试一试', 'kb'), body);
  });

  app.get('/kb/gaps', async (c) => {
    const groups = groupGaps(kb.store.listGaps(2000));
    const p = pageOf(c, groups.length, ctx.pageSize);
    // workers' own words (masked when stored, yet still theirs): who read them
    await audit(c.get('actor'), 'console.gaps.view', 'gaps', { groups: slice(groups, p).length, page: p.page });
    const body = html`<p><a href="${BASE}/kb">← 知识库</a></p><h1>没答上来的问题</h1>
<p class="muted">工友问了、助手没找到依据的问题；意思相近的合在一起，问得最多的排在前面。可以据此补充文档或常见问题。</p>
${table(
  ['问题', '次数', '最近一次', '其他问法', ''],
  slice(groups, p).map((g) => [
    g.question,
    String(g.count),
    fmtTime(g.lastAsked),
    g.variants.join(' / '),
    html`<a href="${BASE}/kb/faq/new?${new URLSearchParams([['q', g.question] as [string, string], ...g.variants.map((v): [string, string] => ['v', v])]).toString()}">写成常见问题</a> · <a href="${BASE}/kb/try?q=${encodeURIComponent(g.question)}">试一试</a>`,
  ]),
  '暂时没有知识缺口。',
)}${pager(`${BASE}/kb/gaps`, {}, p)}`;
    return render(c, frame(c, '知识缺口', 'kb'), body);
  });

  const faqForm = (c: Context<Env>, v: { q: string; variants: string; answer: string; category: string; basis: string }, flash?: Frame['flash'], status: 200 | 400 = 200) =>
    render(
      c,
      frame(c, '写成常见问题', 'kb', flash),
      html`<p><a href="${BASE}/kb/gaps">← 知识缺口</a></p><h1>写成常见问题</h1>
<form method="post" action="${BASE}/kb/faq" class="card">${csrfField(c.get('session').csrf)}
<p><label>问题 <input type="text" name="q" value="${v.q}" maxlength="200" required></label></p>
<p><label>同类问法（每行一个，工友的其他说法） <textarea name="variants">${v.variants}</textarea></label></p>
<p><label>回答（工友会原样看到，请写清楚、写准确） <textarea name="answer" required rows="6">${v.answer}</textarea></label></p>
<p><label>分类 <select name="category">${CATEGORIES.map((k) => html`<option${k === v.category ? html` selected` : ''}>${k}</option>`)}</select></label></p>
<p><label>依据的文档标题（可不填） <input type="text" name="basis" value="${v.basis}" maxlength="200"></label></p>
<button type="submit">加入知识库</button>
<p class="muted">保存后立即生效：工友再这样问，会得到这个回答。</p>
</form>`,
      status,
    );

  app.get('/kb/faq/new', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const variants = (c.req.queries('v') ?? []).map((x) => x.slice(0, 200)).join('\n');
    return faqForm(c, { q, variants, answer: '', category: '其他', basis: '' });
  });

  app.post('/kb/faq', async (c) => {
    const form = await c.req.parseBody();
    const v = {
      q: String(form.q ?? ''),
      variants: String(form.variants ?? ''),
      answer: String(form.answer ?? ''),
      category: String(form.category ?? ''),
      basis: String(form.basis ?? ''),
    };
    try {
      const summary = await addFaqEntry(
        kb,
        { question: v.q, variants: v.variants.split(/\n/), answer: v.answer, category: v.category as Category, basis: v.basis || undefined },
        { maxBytes: deps.maxFileBytes, now: now() },
      );
      const doc = summary.results[0]!.doc;
      await audit(c.get('actor'), 'console.kb.faq.add', doc.id, { category: v.category });
      return back(c, `${BASE}/kb/try?q=${encodeURIComponent(v.q.trim())}`, 'ok', `已加入《${doc.title}》。下面是工友现在会得到的回答。`);
    } catch (err) {
      const message = err instanceof StaffError ? err.message : err instanceof ImportErrors ? err.message : undefined;
      if (!message) throw err;
      return faqForm(c, v, { kind: 'error', text: message }, 400);
    }
  });

  return app;
}

/** An import that has not finished (killed midway, the disk full — or still under way elsewhere): what is missing, and how to finish it. */
function unfinishedImport(ctx: ConsoleCtx) {
  const p = pendingImport(ctx.kb);
  if (!p) return '';
  const missing = p.files.filter((f) => !ctx.kb.store.getDocumentBySource(f)).map((f) => f.split(/[\\/]/).pop() ?? f);
  const shown = missing.slice(0, 10).join('、') + (missing.length > 10 ? ` 等 ${missing.length} 个` : '');
  return html`<section class="card"><p><span class="badge red">导入没有做完</span> ${fmtTime(p.at)} 开始的一次导入还没有做完：${p.files.length} 个文件里已存入 ${p.stored} 个${missing.length ? `，还没存入：${shown}` : ''}。</p>
<p class="muted">如果现在没有正在进行的导入，说明它中途被打断了（服务器重启、磁盘满等）。再导入一次同样的文件（在这里重新上传，或在服务器上再运行同样的 <code>gongyou kb add</code>），已存入的会跳过，其余的补上。</p></section>`;
}
