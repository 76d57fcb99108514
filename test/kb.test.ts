import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../src/knowledge/base.ts';
import { ExactVectorStore } from './fixtures/langchain/exact-vector-store.ts';
import { loadWorkerQuestions } from '../src/knowledge/worker-questions.ts';
import { retrieve } from '../src/knowledge/retrieve.ts';
import type { LangChainIndex } from '../src/knowledge/vector.ts';
import { HashingEmbeddings } from '../src/knowledge/embed.ts';
import { loadLexicon } from '../src/knowledge/lexicon.ts';
import { Tokenizer } from '../src/knowledge/tokenize.ts';
import { ROOT } from '../src/paths.ts';
import { addFiles, documentHistory, editDocument, ImportErrors, removeDocument, rollbackDocument } from '../src/staff/kb.ts';
import { StaffError } from '../src/staff/errors.ts';
import { testApp } from './helpers/app.ts';
import { kbWorkspaces, MAX, RULES } from './helpers/kb-files.ts';

const { cleanups, workspace } = kbWorkspaces();

describe('knowledge base', () => {
  it('loads the built-in knowledge into an empty data dir and answers with sources', async () => {
    const { data } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    expect(app.kb.listDocuments().length).toBeGreaterThan(10);
    const r = await app.ask('新职伤的保费是谁交的？');
    expect(r.confident).toBe(true);
    expect(r.sources.length).toBeGreaterThan(0);
    expect(r.sources[0]!.source).toMatch(/^knowledge\//);
    expect(r.answer).toContain('[1]');
    expect(r.answer).toContain('来源：');
  });

  it('adds a staff document that then answers, and citing it by title and section', async () => {
    const { data, files } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    writeFileSync(join(files, 'huzhu.md'), RULES);
    const s = await addFiles(app.kb, [join(files, 'huzhu.md')], { maxBytes: MAX });
    expect(s.added).toBe(1);
    const r = await app.ask('骑手互助金入会多久能申请？');
    expect(r.confident).toBe(true);
    expect(r.answer).toContain('三个月');
    expect(r.sources[0]).toMatchObject({ n: 1, title: '某市骑手互助金办法', section: '怎么申请', source: join(files, 'huzhu.md') });
  });

  it('answers from a news page saved from the web, citing the article and not the site furniture', async () => {
    const { data } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    const page = join(ROOT, 'test/fixtures/html/people-style-article.html');
    await addFiles(app.kb, [page], { maxBytes: MAX });
    const r = await app.ask('骑手出了事故，报案时要保存好哪些东西？');
    expect(r.sources[0]).toMatchObject({ title: '多地扩大新就业形态人员职业伤害保障试点', source: page });
    expect(r.answer).toContain('订单记录');
    const doc = app.kb.listDocuments().find((d) => d.source === page)!;
    const text = app.kb.store.documentText(doc.id)!.text;
    expect(text).not.toMatch(/ICP|分享到|相关新闻/);
  });

  it('skips an unchanged file and replaces only the changed document', async () => {
    const { data, files } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    const f = join(files, 'huzhu.md');
    writeFileSync(f, RULES);
    await addFiles(app.kb, [f], { maxBytes: MAX });
    const before = app.kb.listDocuments();
    expect((await addFiles(app.kb, [f], { maxBytes: MAX })).unchanged).toBe(1);
    writeFileSync(f, RULES.replace('三个月', '六个月'));
    const s = await addFiles(app.kb, [f], { maxBytes: MAX });
    expect(s.replaced).toBe(1);
    const after = app.kb.listDocuments();
    expect(after.length).toBe(before.length);
    const others = (list: typeof before) => list.filter((d) => d.source !== f).map((d) => `${d.id}:${d.changedAt}`);
    expect(others(after)).toEqual(others(before));
    const r = await app.ask('骑手互助金入会多久能申请？');
    expect(r.answer).toContain('六个月');
    expect(r.answer).not.toContain('三个月');
  });

  it('removes a document so it is no longer cited', async () => {
    const { data, files } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    const f = join(files, 'huzhu.md');
    writeFileSync(f, RULES);
    const s = await addFiles(app.kb, [f], { maxBytes: MAX });
    const docId = s.results[0]!.doc.id;
    expect(await removeDocument(app.kb, docId)).toBeDefined();
    const r = await app.ask('骑手互助金入会多久能申请？');
    expect(r.sources.map((x) => x.docId)).not.toContain(docId);
    expect(await removeDocument(app.kb, docId)).toBeUndefined();
  });

  it('rejects a batch with a bad file as a whole and names the file', async () => {
    const { data, files } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    const good = join(files, 'huzhu.md');
    const empty = join(files, 'empty.txt');
    writeFileSync(good, RULES);
    writeFileSync(empty, '');
    const before = app.kb.listDocuments().length;
    const err = await addFiles(app.kb, [good, empty, join(files, 'missing.pdf')], { maxBytes: MAX }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportErrors);
    expect(err.message).toContain('empty.txt');
    expect(err.message).toContain('missing.pdf');
    expect(app.kb.listDocuments().length).toBe(before);
  });

  it('keeps its indexes across a restart without rebuilding them', async () => {
    const { data, files } = workspace();
    const f = join(files, 'huzhu.md');
    writeFileSync(f, RULES);
    const app = await testApp(data);
    await addFiles(app.kb, [f], { maxBytes: MAX });
    const first = await app.ask('骑手互助金要交什么材料');
    app.close();
    const state = JSON.parse(readFileSync(join(data, 'index/state.json'), 'utf8'));
    const again = await testApp(data);
    cleanups.push(() => again.close());
    expect(JSON.parse(readFileSync(join(data, 'index/state.json'), 'utf8'))).toEqual(state);
    expect(await again.ask('骑手互助金要交什么材料')).toEqual(first);
  });

  it('recovers when the index files are stale or damaged (as after a crash mid-import)', async () => {
    const { data, files } = workspace();
    const f = join(files, 'huzhu.md');
    writeFileSync(f, RULES);
    const app = await testApp(data);
    await addFiles(app.kb, [f], { maxBytes: MAX });
    app.close();
    const state = JSON.parse(readFileSync(join(data, 'index/state.json'), 'utf8'));
    rmSync(join(data, 'index', state.dir), { recursive: true });
    const again = await testApp(data);
    cleanups.push(() => again.close());
    const r = await again.ask('骑手互助金要交什么材料');
    expect(r.answer).toContain('会员证');
    expect(existsSync(join(data, 'index/state.json'))).toBe(true);
  });

  it('matches a question in traditional characters', async () => {
    const { data } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    const simplified = await app.ask('新职伤的保费是谁交的？');
    const traditional = await app.ask('新職傷的保費是誰交的？');
    expect(traditional.sources[0]?.docId).toBe(simplified.sources[0]?.docId);
  });

  it('ranks the later version of a law above the earlier one', async () => {
    const { data, files } = workspace();
    const app = await testApp(data, { seed: false });
    cleanups.push(() => app.close());
    const law = (rule: string) => `# 某某条例\n\n<!-- INFO END -->\n\n第一条 为了规范管理，制定本条例。\n\n第二条 ${rule}\n\n第三条 本条例自公布之日起施行。\n`;
    writeFileSync(join(files, '某某条例(2010-01-01).md'), law('骑手罚款不得超过五十元。'));
    writeFileSync(join(files, '某某条例(2020-01-01).md'), law('骑手罚款不得超过二十元。'));
    await addFiles(app.kb, [files], { maxBytes: MAX });
    const r = await app.ask('骑手罚款最多不得超过多少元？');
    expect(r.answer).toContain('二十元');
    expect(r.sources[0]!.source).toContain('2020-01-01');
    expect(r.sources[0]!.section).toBe('第二条');
  });

  it('says it is not sure, gives the hotlines and records the gap when nothing fits', async () => {
    const { data } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    const r = await app.ask('网约车司机的车辆年检新规是什么');
    expect(r.confident).toBe(false);
    expect(r.sources).toEqual([]);
    expect(r.answer).toContain('12351');
    expect(r.answer).toContain('12333');
    expect(r.answer).toContain('12348');
    expect(app.kb.store.listGaps()[0]!.question).toBe('网约车司机的车辆年检新规是什么');
  });
});

describe('worker questions for law articles', () => {
  it('finds the article a colloquial question is about, through the questions shipped for it', async () => {
    const { data, files } = workspace();
    const law = `# 某某条例\n\n<!-- INFO END -->\n\n第一条 为了规范管理，制定本条例。\n\n第二条 职工或者其近亲属可以在事故伤害发生之日起1年内直接提出认定申请。\n\n第三条 认定申请应当提交申请表和医疗诊断证明。\n`;
    writeFileSync(join(files, 'law.md'), law);
    const qdir = join(files, 'questions');
    mkdirSync(qdir);
    // an empty data dir's knowledge store, under knowledge bases of the test's own making
    const app = await testApp(data, { seed: false });
    cleanups.push(() => app.close());
    const store = app.kb.store;
    const lexicon = loadLexicon(join(ROOT, 'knowledge/lexicon'));
    const tokenizer = new Tokenizer(lexicon);
    const embeddings = new HashingEmbeddings(tokenizer);
    const open = async (questions: boolean) => {
      if (questions) writeFileSync(join(qdir, 'q.yaml'), 'law: 某某条例\narticles:\n  第二条:\n    - 站长不给报，我自己能去申请吗\n');
      return KnowledgeBase.open({ store, tokenizer, lexicon, embeddings, embedderId: 'x', workerQuestions: loadWorkerQuestions([qdir]), indexDir: join(data, 'test-index') });
    };
    const without = await open(false);
    await addFiles(without, [join(files, 'law.md')], { maxBytes: MAX });
    const q = '站长不给报，我能自己去吗';
    expect((await retrieve(without, q)).passages[0]?.chunk.section).not.toBe('第二条');
    const withQuestions = await open(true);
    const r = await retrieve(withQuestions, q);
    expect(r.passages[0]!.chunk.section).toBe('第二条');
    expect(r.passages[0]!.chunk.text).not.toContain('站长');
  });
});

describe('vector store abstraction', () => {
  it('runs the same pipeline over another LangChain vector store', async () => {
    const { data, files } = workspace();
    writeFileSync(join(files, 'huzhu.md'), RULES);
    // an empty data dir's knowledge store, under a knowledge base of the test's own making
    const app = await testApp(data, { seed: false });
    cleanups.push(() => app.close());
    const store = app.kb.store;
    const lexicon = loadLexicon(join(ROOT, 'knowledge/lexicon'));
    const tokenizer = new Tokenizer(lexicon);
    const embeddings = new HashingEmbeddings(tokenizer);
    const vectorStore = new ExactVectorStore(embeddings);
    const kb = await KnowledgeBase.open({ store, tokenizer, lexicon, embeddings, embedderId: 'x', vectorStore });
    await addFiles(kb, [join(files, 'huzhu.md')], { maxBytes: MAX });
    expect(vectorStore.rows.length).toBe(2);
    const hits = await kb.vectors.search('互助金要交哪些材料', 2);
    expect(hits.length).toBe(2);
    await removeDocument(kb, kb.listDocuments()[0]!.id);
    expect(vectorStore.rows.length).toBe(0);
  });
});

describe('document metadata and versions', () => {
  const Q = '骑手互助金入会多久能申请？';

  it('edits a title: answers cite the new title at once and after a restart; the change is in the audit log; bad input changes nothing', async () => {
    const { data, files } = workspace();
    const f = join(files, 'huzhu.md');
    writeFileSync(f, RULES);
    let app = await testApp(data);
    const docId = (await addFiles(app.kb, [f], { maxBytes: MAX })).results[0]!.doc.id;
    const now = new Date();
    const { changes } = await editDocument(app.kb, app.records.audit, docId, { title: '杭州市骑手互助金办法', region: '杭州', effective: '2026-10-01' }, 'test:staff', now);
    expect(changes).toEqual({ title: ['某市骑手互助金办法', '杭州市骑手互助金办法'], region: [null, '杭州'], effective: [null, '2026-10-01'] });
    let r = await app.ask(Q);
    expect(r.sources[0]).toMatchObject({ docId, title: '杭州市骑手互助金办法', section: '怎么申请' });
    expect(app.kb.store.chunksOfDocument(docId)[0]!.path[0]).toBe('杭州市骑手互助金办法');
    // the title is searchable under its new wording
    expect((await retrieve(app.kb, '杭州市骑手互助金')).passages[0]!.doc.id).toBe(docId);
    expect((await app.records.audit.search({ action: 'kb.edit', target: docId }))[0]).toMatchObject({ actor: 'test:staff', detail: { changes: { title: ['某市骑手互助金办法', '杭州市骑手互助金办法'] } } });
    await expect(editDocument(app.kb, app.records.audit, docId, { title: '  ' }, 'test', now)).rejects.toThrow('标题不能为空');
    await expect(editDocument(app.kb, app.records.audit, docId, { category: '杂项' }, 'test', now)).rejects.toThrow(StaffError);
    await expect(editDocument(app.kb, app.records.audit, docId, { effective: '2026-02-30' }, 'test', now)).rejects.toThrow('生效日期');
    await expect(editDocument(app.kb, app.records.audit, 'doc-nope', { title: 'x' }, 'test', now)).rejects.toThrow('找不到文档');
    expect(app.kb.store.getDocument(docId)!.title).toBe('杭州市骑手互助金办法');
    app.close();
    app = await testApp(data);
    cleanups.push(() => app.close());
    r = await app.ask(Q);
    expect(r.sources[0]!.title).toBe('杭州市骑手互助金办法');
    // the same file again is unchanged, and keeps the edited metadata
    expect((await addFiles(app.kb, [f], { maxBytes: MAX })).unchanged).toBe(1);
    // a new version of the file keeps the edited title (the file still says the old one) …
    writeFileSync(f, RULES.replace('三个月', '六个月'));
    await addFiles(app.kb, [f], { maxBytes: MAX });
    expect(app.kb.store.getDocument(docId)).toMatchObject({ title: '杭州市骑手互助金办法', region: '杭州' });
    expect((await app.ask(Q)).sources[0]!.title).toBe('杭州市骑手互助金办法');
    // … until the file itself gives a different title
    writeFileSync(f, RULES.replace('# 某市骑手互助金办法', '# 某市骑手互助金办法（修订）'));
    await addFiles(app.kb, [f], { maxBytes: MAX });
    expect(app.kb.store.getDocument(docId)).toMatchObject({ title: '某市骑手互助金办法（修订）', region: '杭州' });
    // a file that said 武汉, edited to 湖北, then replaced by a version that leaves the region out: 湖北 stays
    const g = join(files, 'wuhan.md');
    writeFileSync(g, `---\ntitle: 武汉骑手驿站\nregion: 武汉\n---\n\n# 武汉骑手驿站\n\n驿站早八点到晚十点开放。\n`);
    const wuhan = (await addFiles(app.kb, [g], { maxBytes: MAX })).results[0]!.doc.id;
    await editDocument(app.kb, app.records.audit, wuhan, { region: '湖北' }, 'test', now);
    writeFileSync(g, `# 武汉骑手驿站\n\n驿站早八点到晚十一点开放。\n`);
    await addFiles(app.kb, [g], { maxBytes: MAX });
    expect(app.kb.store.getDocument(wuhan)).toMatchObject({ title: '武汉骑手驿站', region: '湖北' });
  });

  it('keeps the previous original when a document is replaced, lists the versions, and rolls back as a new version', async () => {
    const { data, files } = workspace();
    const f = join(files, 'huzhu.md');
    writeFileSync(f, RULES);
    const app = await testApp(data);
    cleanups.push(() => app.close());
    const docId = (await addFiles(app.kb, [f], { maxBytes: MAX, actor: 'cli:alice' })).results[0]!.doc.id;
    writeFileSync(f, RULES.replace('三个月', '六个月'));
    await addFiles(app.kb, [f], { maxBytes: MAX, actor: 'cli:bob' });
    expect((await app.ask(Q)).answer).toContain('六个月');
    let { versions } = documentHistory(app.kb, docId);
    expect(versions.map((v) => [v.n, v.actor, v.reason, v.current])).toEqual([
      [2, 'cli:bob', 'replaced', true],
      [1, 'cli:alice', 'added', false],
    ]);
    expect(versions[1]!.chunks).toBe(2);
    expect(versions[1]!.sha256).not.toBe(versions[0]!.sha256);
    expect(app.kb.store.documentVersion(docId, 1)!.text).toContain('三个月');

    const now = new Date();
    await expect(rollbackDocument(app.kb, app.records.audit, docId, 2, 'test', now)).rejects.toThrow('现在在用');
    await expect(rollbackDocument(app.kb, app.records.audit, docId, 9, 'test', now)).rejects.toThrow('没有第 9 版');
    const r = await rollbackDocument(app.kb, app.records.audit, docId, 1, 'console:张三', now);
    expect(r.chunks).toBe(2);
    const answer = await app.ask(Q);
    expect(answer.answer).toContain('三个月');
    expect(answer.answer).not.toContain('六个月');
    versions = documentHistory(app.kb, docId).versions;
    expect(versions.map((v) => [v.n, v.reason, v.rollbackOf, v.current])).toEqual([
      [3, 'rollback', 1, true],
      [2, 'replaced', null, false],
      [1, 'added', null, false],
    ]);
    expect(versions[0]!.sha256).toBe(versions[2]!.sha256);
    // the rolled-back-from version is kept too: roll forward again
    await rollbackDocument(app.kb, app.records.audit, docId, 2, 'test', now);
    expect((await app.ask(Q)).answer).toContain('六个月');
    expect((await app.records.audit.search({ action: 'kb.rollback', target: docId })).map((e) => e.detail)).toEqual([
      { from: 3, to: 2, version: 4 },
      { from: 2, to: 1, version: 3 },
    ]);
    // deleting a document deletes its history
    await removeDocument(app.kb, docId);
    expect(app.kb.store.documentVersions(docId)).toEqual([]);
  });
});

describe('another vector store or embeddings class, named in the configuration', () => {
  const FIXTURE = join(ROOT, 'test/fixtures/langchain/exact-vector-store.ts');

  it('VECTOR_STORE=<package>#<class> with VECTOR_STORE_OPTIONS: the pipeline runs on it, and a restart does not send the vectors again', async () => {
    const { data } = workspace();
    const env = { VECTOR_STORE: `${FIXTURE}#ExactVectorStore`, VECTOR_STORE_OPTIONS: JSON.stringify({ collection: `c-${Date.now()}` }) };
    let app = await testApp(data, { env });
    let store = (app.kb.vectors as LangChainIndex).store as ExactVectorStore;
    expect(store._vectorstoreType()).toBe('exact');
    expect(store.added).toBeGreaterThan(0);
    const rows = store.rows.length;
    expect((await app.kb.vectors.search('新职伤要自己交钱吗', 3)).length).toBe(3);
    expect((await app.ask('新职伤要自己交钱吗？')).sources.length).toBeGreaterThan(0);
    app.close();
    app = await testApp(data, { env });
    cleanups.push(() => app.close());
    store = (app.kb.vectors as LangChainIndex).store as ExactVectorStore;
    expect(store.added).toBe(0);
    expect(store.rows.length).toBe(rows);
  });

  it('EMBEDDINGS_CLASS=<package>#<class> with EMBEDDINGS_OPTIONS embeds the chunks', async () => {
    const { data } = workspace();
    const app = await testApp(data, { env: { EMBEDDINGS_CLASS: `${FIXTURE}#BucketEmbeddings`, EMBEDDINGS_OPTIONS: '{"size":8}' } });
    cleanups.push(() => app.close());
    expect((await app.kb.vectors.search('入会', 1)).length).toBe(1);
  });

  it('a class that cannot be loaded, or bad options, is a configuration error in Chinese', async () => {
    const { data } = workspace();
    await expect(testApp(data, { env: { VECTOR_STORE: 'no-such-package-gongyou#Store' } })).rejects.toThrow(/VECTOR_STORE 指定的 no-such-package-gongyou 加载不了/);
    await expect(testApp(data, { env: { VECTOR_STORE: `${FIXTURE}#Nope` } })).rejects.toThrow(/里没有 Nope 这个类/);
    await expect(testApp(data, { env: { VECTOR_STORE: 'qdrant' } })).rejects.toThrow(/包名#类名/);
    await expect(testApp(data, { env: { VECTOR_STORE: `${FIXTURE}#ExactVectorStore`, VECTOR_STORE_OPTIONS: '{oops' } })).rejects.toThrow(/JSON 对象/);
  });
});
