import { Hono, type Context } from 'hono';
import { isValidDay } from '../lib/dates.ts';
import { formatSize } from '../knowledge/loaders/index.ts';
import { StaffError } from '../staff/errors.ts';
import { editDocument, removeDocument, rollbackDocument, setDocumentStatus, type DocumentChanges } from '../staff/kb.ts';
import { CATEGORIES, DOCUMENT_FIELDS, type DocumentRecord, type VersionRecord } from '../store/types.ts';
import { back, BASE, frame, render, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { csrfField, fmtTime, table, type Frame } from './pages.ts';
import { importUpload, uploadedFiles, uploadRows } from './upload.ts';

/** One document: its split, metadata (editable), status, a replacement upload, versions with rollback, delete. */
export function documentRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { kb, records, deps, audit, now } = ctx;
  const app = new Hono<Env>();
  const href = (id: string, rest = '') => `${BASE}/kb/doc/${encodeURIComponent(id)}${rest}`;
  const notFound = (c: Context<Env>) => render(c, frame(c, '找不到文档', 'kb'), html`<h1>找不到这个文档</h1><p><a href="${BASE}/kb">返回知识库</a></p>`, 404);

  app.get('/kb/doc/:id', async (c) => {
    const doc = kb.store.getDocument(c.req.param('id'));
    if (!doc) return notFound(c);
    const chunks = kb.store.chunksOfDocument(doc.id);
    const csrf = c.get('session').csrf;
    const body = html`<p><a href="${BASE}/kb">← 知识库</a></p>
<h1>${doc.title}</h1>
<section class="card"><dl class="fields">
  <dt>编号</dt><dd>${doc.id}</dd><dt>来源</dt><dd>${doc.source}</dd><dt>分类</dt><dd>${doc.category}</dd>
  <dt>地区</dt><dd>${doc.region ?? '—'}</dd><dt>生效日期</dt><dd>${doc.effective ?? '—'}</dd><dt>版本</dt><dd>${doc.version ?? doc.updated ?? '—'}</dd>
  <dt>格式</dt><dd>${doc.format}（${formatSize(doc.bytes)}）</dd><dt>更新时间</dt><dd>${fmtTime(doc.changedAt)}</dd>
  <dt>状态</dt><dd>${doc.status === 'active' ? '在用' : '已停用（不参与回答）'}</dd>
</dl>
<div class="actions">
<a class="button" href="${href(doc.id, '/edit')}">修改信息</a>
<form method="post" action="${href(doc.id, '/status')}" class="inline">${csrfField(csrf)}
  <input type="hidden" name="status" value="${doc.status === 'active' ? 'disabled' : 'active'}">
  <button type="submit" class="${doc.status === 'active' ? 'secondary' : 'ok'}">${doc.status === 'active' ? '停用' : '重新启用'}</button>
</form>
<a class="button secondary" href="${href(doc.id, '/delete')}">删除…</a>
</div></section>
<section class="card"><h3>上传新版本</h3>
<form method="post" action="${href(doc.id, '/replace')}" enctype="multipart/form-data" data-progress>${csrfField(csrf)}
  <p><input type="file" name="files" required accept=".md,.markdown,.txt,.html,.htm,.docx,.pdf" aria-label="新版本文件"></p>
  <button type="submit">替换为新版本</button>
  <progress max="1" hidden></progress><span class="progress-note" role="status"></span>
  <p class="muted">文件名可以不同；旧版本会保留在下面的版本记录里，随时可以回退。</p>
</form></section>
<h2>版本记录</h2>
${versionsTable(doc, kb.store.documentVersions(doc.id))}
<h2>分段（${chunks.length} 段）</h2>
${chunks.map((ch) => html`<div class="chunk"><div class="path">#${ch.ord + 1} ${ch.path.join(' › ')}${ch.faq ? html` <span class="badge">常见问题</span>` : ''}</div>${ch.text}</div>`)}`;
    return render(c, frame(c, doc.title, 'kb'), body);
  });

  // ---- metadata ----

  const editForm = (c: Context<Env>, doc: DocumentRecord, v: DocumentChanges, flash?: Frame['flash'], status: 200 | 400 = 200) =>
    render(
      c,
      frame(c, `修改信息：${doc.title}`, 'kb', flash),
      html`<p><a href="${href(doc.id)}">← ${doc.title}</a></p><h1>修改文档信息</h1>
<form method="post" action="${href(doc.id, '/edit')}" class="card">${csrfField(c.get('session').csrf)}
<p><label>标题（回答的出处里显示这个标题） <input type="text" name="title" value="${v.title}" maxlength="200" required></label></p>
<p><label>分类 <select name="category">${CATEGORIES.map((k) => html`<option${k === v.category ? html` selected` : ''}>${k}</option>`)}</select></label></p>
<p><label>地区（可不填） <input type="text" name="region" value="${v.region}" maxlength="50"></label></p>
<p><label>生效日期（可不填） <input type="${!v.effective || isValidDay(v.effective) ? 'date' : 'text'}" name="effective" value="${v.effective}" placeholder="2026-10-01"></label></p>
<p><label>版本（可不填；同一标题有几个版本时，版本号大的排在前面） <input type="text" name="version" value="${v.version}" maxlength="50"></label></p>
<button type="submit">保存</button> <a class="button secondary" href="${href(doc.id)}">取消</a>
<p class="muted">保存后立即生效，修改会记入操作记录。以后上传这个文件的新版本时，你改过的信息会保留，除非新文件里写了不同的值。</p>
</form>`,
      status,
    );

  app.get('/kb/doc/:id/edit', async (c) => {
    const doc = kb.store.getDocument(c.req.param('id'));
    if (!doc) return notFound(c);
    return editForm(c, doc, { title: doc.title, category: doc.category, region: doc.region ?? '', effective: doc.effective ?? '', version: doc.version ?? '' });
  });

  app.post('/kb/doc/:id/edit', async (c) => {
    const doc = kb.store.getDocument(c.req.param('id'));
    if (!doc) return notFound(c);
    const form = await c.req.parseBody();
    const v: DocumentChanges = {};
    for (const f of DOCUMENT_FIELDS) if (typeof form[f] === 'string') v[f] = form[f];
    try {
      const { changes } = await editDocument(kb, records.audit, doc.id, v, c.get('actor'), now());
      const n = Object.keys(changes).length;
      return back(c, href(doc.id), 'ok', n ? '文档信息已保存，回答的出处会用新的信息。' : '没有改动。');
    } catch (err) {
      if (err instanceof StaffError) return editForm(c, doc, v, { kind: 'error', text: err.message }, 400);
      throw err;
    }
  });

  // ---- status, replacement, delete ----

  app.post('/kb/doc/:id/status', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const status = form.status === 'active' ? 'active' : form.status === 'disabled' ? 'disabled' : undefined;
    if (!status) return back(c, href(id), 'error', '状态不对。');
    if (!(await setDocumentStatus(kb, id, status))) return back(c, `${BASE}/kb`, 'error', `找不到文档 ${id}。`);
    await audit(c.get('actor'), status === 'active' ? 'console.kb.enable' : 'console.kb.disable', id);
    return back(c, href(id), 'ok', status === 'active' ? '文档已重新启用，会参与回答。' : '文档已停用，不再参与回答。');
  });

  app.post('/kb/doc/:id/replace', async (c) => {
    const doc = kb.store.getDocument(c.req.param('id'));
    if (!doc) return notFound(c);
    const form = await c.req.parseBody({ all: true });
    const [file] = uploadedFiles(form.files);
    if (!file) return back(c, href(doc.id), 'error', '请选择新版本的文件。');
    const { name, summary, messages } = await importUpload(kb, file, { maxBytes: deps.maxFileBytes, sourceOf: () => doc.source, now: now(), actor: c.get('actor') });
    const result = html`<p><a href="${href(doc.id)}">返回文档</a> · <a href="${BASE}/kb">返回知识库</a></p>`;
    if (messages) {
      await audit(c.get('actor'), 'console.kb.upload.fail', name, { doc: doc.id });
      return render(c, frame(c, '上传结果', 'kb', { kind: 'error', text: `${name} 没有导入：${messages.join('；')}` }), result, 400);
    }
    for (const r of summary.results) await audit(c.get('actor'), 'console.kb.upload', r.doc.id, { status: r.status, chunks: r.chunks, file: name });
    const rows = uploadRows(name, summary);
    return render(c, frame(c, '上传结果', 'kb', { kind: 'ok', text: `已用 ${name} 替换《${doc.title}》。` }), html`<h1>上传结果</h1>${table(['文件', '结果', '说明'], rows)}${result}`);
  });

  app.get('/kb/doc/:id/delete', async (c) => {
    const doc = kb.store.getDocument(c.req.param('id'));
    if (!doc) return notFound(c);
    const body = html`<h1>删除文档</h1><section class="card"><p>确定要删除《${doc.title}》吗？它的 ${doc.chunkCount ?? kb.store.chunksOfDocument(doc.id).length} 段内容和全部版本记录会从知识库中移除，无法恢复（只想暂时不用请选“停用”）。</p>
<form method="post" action="${href(doc.id, '/delete')}" class="inline">${csrfField(c.get('session').csrf)}
<input type="hidden" name="confirm" value="yes"><button type="submit">确定删除</button> <a class="button secondary" href="${href(doc.id)}">取消</a></form></section>`;
    return render(c, frame(c, '删除文档', 'kb'), body);
  });

  app.post('/kb/doc/:id/delete', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    if (form.confirm !== 'yes') return back(c, href(id, '/delete'), 'error', '请确认删除。');
    const doc = await removeDocument(kb, id);
    if (!doc) return back(c, `${BASE}/kb`, 'error', `找不到文档 ${id}。`);
    await audit(c.get('actor'), 'console.kb.delete', id, { title: doc.title });
    return back(c, `${BASE}/kb`, 'ok', `已删除《${doc.title}》。`);
  });

  // ---- versions ----

  app.get('/kb/doc/:id/rollback/:n', async (c) => {
    const doc = kb.store.getDocument(c.req.param('id'));
    if (!doc) return notFound(c);
    const n = Number(c.req.param('n'));
    const v = kb.store.documentVersions(doc.id).find((x) => x.n === n);
    if (!v || v.current) return back(c, href(doc.id), 'error', v ? `第 ${n} 版就是现在在用的版本。` : `没有第 ${n} 版。`);
    const body = html`<h1>回退到第 ${n} 版</h1><section class="card">
<p>确定要让《${doc.title}》回到第 ${n} 版（${fmtTime(v.at)}，${v.title}，${formatSize(v.bytes)}，${v.chunks} 段）吗？</p>
<p class="muted">现在的版本不会丢：回退本身会记成一个新版本，之后还可以再回退回来。</p>
<form method="post" action="${href(doc.id, `/rollback/${n}`)}" class="inline">${csrfField(c.get('session').csrf)}
<input type="hidden" name="confirm" value="yes"><button type="submit">确定回退</button> <a class="button secondary" href="${href(doc.id)}">取消</a></form></section>`;
    return render(c, frame(c, '回退版本', 'kb'), body);
  });

  app.post('/kb/doc/:id/rollback/:n', async (c) => {
    const id = c.req.param('id');
    const n = Number(c.req.param('n'));
    const form = await c.req.parseBody();
    if (form.confirm !== 'yes') return back(c, href(id, `/rollback/${n}`), 'error', '请确认回退。');
    try {
      const r = await rollbackDocument(kb, records.audit, id, n, c.get('actor'), now());
      return back(c, href(id), 'ok', `已回退到第 ${n} 版（${r.chunks} 段），回答会用这一版的内容。`);
    } catch (err) {
      if (err instanceof StaffError) return back(c, kb.store.getDocument(id) ? href(id) : `${BASE}/kb`, 'error', err.message);
      throw err;
    }
  });

  return app;
}

const REASON: Record<VersionRecord['reason'], string> = { added: '新增', replaced: '替换', rollback: '回退', existing: '启用版本记录前导入' };

function versionsTable(doc: DocumentRecord, versions: VersionRecord[]) {
  return table(
    ['版本', '时间', '操作人', '经过', '标题', 'SHA-256', '大小', '段数', ''],
    versions.map((v) => [
      html`第 ${v.n} 版${v.current ? html` <span class="badge green">当前</span>` : ''}`,
      fmtTime(v.at),
      v.actor ?? '—',
      v.reason === 'rollback' ? `回退到第 ${v.rollbackOf} 版` : REASON[v.reason],
      v.title,
      html`<code title="${v.sha256}">${v.sha256.slice(0, 12)}</code>`,
      formatSize(v.bytes),
      String(v.chunks),
      v.current ? '' : html`<a href="${BASE}/kb/doc/${encodeURIComponent(doc.id)}/rollback/${v.n}">回退到这一版…</a>`,
    ]),
    '还没有版本记录。',
  );
}
