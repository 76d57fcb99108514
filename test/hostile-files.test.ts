// Hostile files: what a union's staff (or someone who got hold of a staff account) might upload.
// Each is refused with a Chinese message naming the file and the limit, or imported, within a
// bounded time; and the web chat keeps answering workers while the file is being parsed, because
// parsing runs in a worker thread. Zip bombs are built in memory (test/helpers/zip.ts).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../src/knowledge/loaders/index.ts';
import { setParseLimits } from '../src/knowledge/loaders/sandbox.ts';
import { PARSE_DEADLINE_MS, WORKER_HEAP_MB } from '../src/knowledge/loaders/limits.ts';
import { ADMIN_TOKEN, Client, consoleServer } from './console/helpers.ts';
import { tempDir } from './helpers/app.ts';
import { deflated, docxBody, docxBomb, docxWith, wordParagraphs, zeros } from './helpers/zip.ts';

type Server = Awaited<ReturnType<typeof consoleServer>>;

const MB = 1024 * 1024;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QUESTION = '新职伤是什么？';

/** 60,000 headed sections: small (~200 KB) but seconds of mammoth work, then too many passages. */
async function manySections(n: number): Promise<Buffer> {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) lines.push(`## 第${i}节`, '骑手在配送途中受伤，可以申请职业伤害保障。');
  return docxBody(wordParagraphs(lines));
}

/** A PDF with a text page and JavaScript that would set a global if anything ran it. */
async function pdfWithJavaScript(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawText('Riders injured on delivery can apply for occupational injury protection.', { x: 50, y: 780, size: 12, font });
  const js = PDFString.of('globalThis.gongyouPwned = 1; app.alert("pwned");');
  const action = pdf.context.obj({ Type: 'Action', S: 'JavaScript', JS: js });
  pdf.catalog.set(PDFName.of('OpenAction'), pdf.context.register(action));
  pdf.catalog.set(PDFName.of('Names'), pdf.context.obj({ JavaScript: pdf.context.obj({ Names: [PDFString.of('x'), pdf.context.register(pdf.context.obj({ S: 'JavaScript', JS: js }))] }) }));
  return Buffer.from(await pdf.save());
}

function nestedHtml(depth: number): string {
  return `<html><head><title>骑手受伤怎么办</title></head><body>${'<div>'.repeat(depth)}<p>骑手在配送途中受伤，可以申请职业伤害保障，由平台所在地的人社部门受理。</p>${'</div>'.repeat(depth)}</body></html>`;
}

describe('hostile files uploaded in the console', () => {
  let s: Server;
  let c: Client;
  let clients = 0;

  beforeAll(async () => {
    // the chat is asked hundreds of times from one address here: no hourly address quota
    s = await consoleServer({ env: { ADDRESS_QUOTA_PER_HOUR: '0' } });
    c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
    await chat(); // warm up: the first answer loads the tokenizer and the indexes
  });
  afterAll(() => s.close());
  afterEach(() => setParseLimits({ deadlineMs: PARSE_DEADLINE_MS, heapMb: WORKER_HEAP_MB }));

  /** One worker's question over the web chat API; its reply and how long it took. */
  async function chat(): Promise<{ ms: number; text: string }> {
    const started = performance.now();
    const res = await fetch(`${s.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: `hostile-${++clients}`, text: QUESTION }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replies: { text: string }[] };
    return { ms: performance.now() - started, text: body.replies.map((r) => r.text).join('\n') };
  }

  /**
   * Uploads a file and keeps asking the chat a question until the upload is answered. Returns the
   * upload's page, its time, and the chat replies that came back while the upload was running.
   */
  async function uploadWhileChatting(name: string, content: Uint8Array | string) {
    const docs = s.conv.app.kb.listDocuments().length;
    const started = performance.now();
    let done = false;
    const upload = c.upload('/console/kb/upload', [{ name, content }]).finally(() => (done = true));
    const during: { ms: number; text: string }[] = [];
    while (!done) {
      const reply = await chat();
      if (!done) during.push(reply);
    }
    const r = await upload;
    const ms = performance.now() - started;
    for (const reply of during) expect(reply.text).toContain('职业伤害保障');
    return { ...r, ms, during, added: s.conv.app.kb.listDocuments().length - docs };
  }

  function expectRefused(r: { res: Response; text: string; added: number }, message: string) {
    expect(r.res.status).toBe(400); // every file refused: the result page, never a 500
    expect(r.text).toContain('未导入');
    expect(r.text).toContain(message);
    expect(r.text).not.toMatch(/gongyou-upload-|Error|undefined|stack/);
    expect(r.added).toBe(0);
  }

  it('a .docx inflating to 50 MB (media padding) is imported; its text answers', async () => {
    const r = await uploadWhileChatting('padded.docx', await docxBomb(50 * MB, ['骑手电动车电池以旧换新，每块电池补贴三百元。']));
    expect(r.res.status).toBe(200);
    expect(r.text).toContain('新增');
    expect(r.ms).toBeLessThan(10_000);
    const doc = s.conv.app.kb.listDocuments().find((d) => d.source === 'console/padded.docx');
    expect(doc).toBeDefined();
  });

  it('a 300 MB zip bomb is refused naming the file and the 100 MB limit, quickly', async () => {
    const bomb = await docxBomb(300 * MB);
    expect(bomb.length).toBeLessThan(400 * 1024);
    const r = await uploadWhileChatting('bomb.docx', bomb);
    expectRefused(r, '《bomb.docx》解压后超过 100 MB，已拒绝导入（上限 100 MB）');
    expect(r.ms).toBeLessThan(5_000);
  });

  it('a zip bomb whose directory lies about its sizes is refused by what actually inflates', async () => {
    const liar = await docxWith(['骑手'], [zeros('word/media/image1.png', 300 * MB, { declare: 4096 })]);
    const r = await uploadWhileChatting('liar.docx', liar);
    expectRefused(r, '《liar.docx》解压后超过 100 MB');
    expect(r.ms).toBeLessThan(5_000);
  });

  it('a .docx with 1,001 entries, or with a ZIP64 marker, is refused', async () => {
    const many = await docxWith(['骑手'], Array.from({ length: 1001 }, (_, i) => deflated(`word/media/f${i}.txt`, 'x')));
    expectRefused(await uploadWhileChatting('many.docx', many), '《many.docx》内部包含的文件超过 1000 个，已拒绝导入（上限 1000 个）');
    const z64 = await docxWith(['骑手'], [], { zip64: true });
    expectRefused(await uploadWhileChatting('z64.docx', z64), '《z64.docx》使用了 ZIP64');
  });

  it('a damaged .docx or PDF is refused in Chinese only, without the parser\'s English', async () => {
    const whole = await docxWith(['骑手'], []);
    const cut = await uploadWhileChatting('cut.docx', whole.subarray(0, Math.floor(whole.length / 2)));
    expectRefused(cut, '文件已损坏或不是有效的 Word（.docx）文件');
    const pdf = await uploadWhileChatting('bad.pdf', '%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF');
    expect(pdf.res.status).toBe(400);
    expect(pdf.text).toContain('bad.pdf');
    expect(pdf.text).not.toMatch(/[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}/); // no English sentence
  });

  it('a 40 KB .docx holding millions of characters is refused before mammoth reads it; a Word part over 10 MB too', async () => {
    const para = '骑手在配送途中受伤，可以申请职业伤害保障。';
    const millions = await docxBody(wordParagraphs(Array.from({ length: 100_000 }, () => para)));
    expect(millions.length).toBeLessThan(100 * 1024);
    const r = await uploadWhileChatting('millions.docx', millions);
    expectRefused(r, '《millions.docx》提取出的文字超过 100 万字，已拒绝导入（上限 100 万字）');
    expect(r.ms).toBeLessThan(5_000); // was 11.7 s and 1 GB inside mammoth
    const part = await docxBody(wordParagraphs(Array.from({ length: 130_000 }, () => para)));
    expectRefused(await uploadWhileChatting('part.docx', part), '《part.docx》中的 word/document.xml 解压后超过 10 MB');
  });

  it('HTML nested 10,000 deep imports in about a second; 100,000 deep is refused', async () => {
    const deep = await uploadWhileChatting('deep.html', nestedHtml(10_000));
    expect(deep.res.status).toBe(200);
    expect(deep.text).toContain('新增');
    expect(deep.ms).toBeLessThan(3_000);
    const doc = s.conv.app.kb.listDocuments().find((d) => d.source === 'console/deep.html')!;
    expect(doc.title).toBe('骑手受伤怎么办');
    expect(s.conv.app.kb.store.chunksOfDocument(doc.id).map((ch) => ch.text).join('')).toContain('由平台所在地的人社部门受理');

    const deeper = await uploadWhileChatting('deeper.html', nestedHtml(100_000));
    expectRefused(deeper, '《deeper.html》的标签嵌套超过 2 万层，已拒绝导入（上限 2 万层）');
    expect(deeper.ms).toBeLessThan(3_000);
  });

  it('more than 1,000,000 characters of text, or front matter over 64 KB, is refused', async () => {
    const huge = `# 大文件\n\n${'Riders may rest at union stations. 骑手驿站。\n'.repeat(30_000)}`;
    expect(huge.length).toBeGreaterThan(1_000_000);
    expectRefused(await uploadWhileChatting('huge.md', huge), '《huge.md》提取出的文字超过 100 万字');
    const meta = `---\ntitle: 前言\nnote: "${'x'.repeat(70_000)}"\n---\n\n# 前言\n\n骑手可以到工会驿站休息。\n`;
    expectRefused(await uploadWhileChatting('meta.md', meta), '《meta.md》开头的 front matter 超过 64 KB');
  });

  it('a PDF with JavaScript is imported as text and nothing in it runs', async () => {
    const pdf = await pdfWithJavaScript();
    const r = await uploadWhileChatting('script.pdf', pdf);
    expect(r.res.status).toBe(200);
    expect(r.text).toContain('新增');
    // in this thread too (the worker's globals are its own): loading it runs none of its script
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'script.pdf');
      writeFileSync(path, pdf);
      const loaded = await loadFile(path);
      expect(loaded.text).toContain('occupational injury protection');
      expect((globalThis as { gongyouPwned?: unknown }).gongyouPwned).toBeUndefined();
    } finally {
      cleanup();
    }
  });

  it('a small .docx that takes seconds to parse and splits into too many passages is refused', async () => {
    const r = await uploadWhileChatting('sections.docx', await manySections(20_000));
    expectRefused(r, '《console/sections.docx》分段后超过 5000 段，已拒绝导入（上限 5000 段）');
    expect(r.ms).toBeLessThan(30_000);
  });

  it('a page that keeps the parser busy for seconds does not hold up the chat: every reply in under a second', async () => {
    // 70,000 small blocks (2 MB): seconds of synchronous parsing and boilerplate heuristics, which
    // on the main thread would stall every chat reply until the page is done
    const page = `<html><head><title>骑手驿站名单</title></head><body>${Array.from({ length: 70_000 }, (_, i) => `<div><p>驿站${i}</p></div>`).join('')}</body></html>`;
    const r = await uploadWhileChatting('busy.html', page);
    expect(r.res.status).toBe(200);
    expect(r.text).toContain('新增');
    expect(r.ms).toBeGreaterThan(1_000);
    expect(r.during.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...r.during.map((d) => d.ms))).toBeLessThan(1_000);
  });

  it('a parse that overruns its deadline, or runs out of the worker\'s memory, is refused in Chinese; the next file imports', async () => {
    const slow = await manySections(20_000);
    setParseLimits({ deadlineMs: 1_000 });
    const late = await uploadWhileChatting('late.docx', slow);
    expectRefused(late, '《late.docx》解析超过 1 秒仍未完成，已拒绝导入（上限 1 秒）');
    expect(late.ms).toBeLessThan(5_000);

    setParseLimits({ deadlineMs: PARSE_DEADLINE_MS, heapMb: 100 });
    const oom = await uploadWhileChatting('oom.docx', slow);
    expectRefused(oom, '《oom.docx》解析时占用的内存超过上限，已拒绝导入（上限 100 MB）');

    setParseLimits({ heapMb: WORKER_HEAP_MB });
    const fine = await uploadWhileChatting('fine.md', '# 驿站\n\n骑手可以到工会驿站休息、喝水、给手机充电。');
    expect(fine.text).toContain('新增');
  });
});

describe('hostile files from the command line', () => {
  it('`kb add` of a zip bomb exits 1 with the Chinese message, changes nothing, and exits promptly', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const env = { ...process.env, GONGYOU_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' };
      const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/gongyou.js'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
      const before = run(['kb', 'list', '--json']);
      expect(before.status).toBe(0);
      const bomb = join(dir, 'bomb.docx');
      writeFileSync(bomb, await docxBomb(300 * MB));
      const started = performance.now();
      const r = run(['kb', 'add', bomb]);
      const seconds = (performance.now() - started) / 1000;
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`《${bomb}》解压后超过 100 MB，已拒绝导入（上限 100 MB）`);
      expect(r.stderr).toContain('知识库没有改动');
      expect(seconds).toBeLessThan(8); // the idle parse worker does not keep the command waiting
      expect(run(['kb', 'list', '--json']).stdout).toBe(before.stdout);
    } finally {
      cleanup();
    }
  });
});
