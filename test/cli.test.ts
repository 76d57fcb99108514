import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/paths.ts';
import { tempDir } from './helpers/app.ts';

/** The CLI as staff and scripts use it: a real process, real exit codes, real stdout. */

const t = tempDir();
afterAll(t.cleanup);
const data = join(t.dir, 'data');
const files = join(t.dir, 'files');
mkdirSync(files);

function gongyou(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gongyou.js'), ...args], {
    cwd: t.dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, GONGYOU_DATA_DIR: data, LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gongyou CLI', () => {
  it('ask --json prints the contract object', () => {
    const r = gongyou(['ask', '新职伤的保费是谁交的？', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(Object.keys(o)).toEqual(['intent', 'answer', 'confident', 'sources']);
    expect(o.intent).toBe('qa');
    expect(o.confident).toBe(true);
    expect(o.sources[0]).toEqual({
      n: 1,
      docId: expect.stringMatching(/^doc-/),
      title: expect.any(String),
      section: expect.anything(),
      source: expect.stringMatching(/^knowledge\//),
      score: expect.any(Number),
    });
    // exactly the documented keys, in the documented order, for every source: nothing else leaks in
    for (const s of o.sources) expect(Object.keys(s)).toEqual(['n', 'docId', 'title', 'section', 'source', 'score']);
  });

  it('answers each stdin line in turn, one JSON object per line', () => {
    const r = gongyou(['ask', '--json'], '你好\n\n新职伤要自己交钱吗\n工会热线是多少\n');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].intent).toBe('greeting');
    expect(lines[2].answer).toContain('12351');
  });

  it('adds, lists and removes a staff document', () => {
    const f = join(files, 'rules.md');
    writeFileSync(f, '# 某站点奖惩规则\n\n## 超时\n\n本站点骑手超时五分钟以内不罚款。\n');
    const add = gongyou(['kb', 'add', f, '--category', '平台规则', '--json']);
    expect(add.code).toBe(0);
    const summary = JSON.parse(add.out);
    expect(summary).toMatchObject({ added: 1, chunks: 1 });
    const list = JSON.parse(gongyou(['kb', 'list', '--json']).out) as { docId: string; title: string; category: string }[];
    const doc = list.find((d) => d.title === '某站点奖惩规则')!;
    expect(doc.category).toBe('平台规则');
    const ask = JSON.parse(gongyou(['ask', '站点超时五分钟会罚款吗', '--json']).out);
    expect(ask.sources[0].docId).toBe(doc.docId);
    expect(ask.sources[0].source).toBe(f);
    expect(gongyou(['kb', 'remove', doc.docId]).code).toBe(0);
    expect(gongyou(['kb', 'list', '--json']).out).not.toContain('某站点奖惩规则');
  });

  it('exits 1 with a Chinese message naming the file for bad input, changing nothing', () => {
    const before = gongyou(['kb', 'list', '--json']).out;
    writeFileSync(join(files, 'notes.xyz'), 'hello');
    const cases = [
      [['kb', 'add', join(files, 'nope.md')], 'nope.md'],
      [['kb', 'add', join(files, 'notes.xyz')], '不支持的文件类型'],
      [['kb', 'add', join(files, 'rules.md'), '--category', '八卦'], '未知分类'],
      [['kb', 'remove', 'doc-missing'], '找不到文档'],
      [['kb', 'frobnicate'], '未知命令'],
    ] as const;
    for (const [args, message] of cases) {
      const r = gongyou([...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toContain(message);
    }
    expect(gongyou(['kb', 'list', '--json']).out).toBe(before);
  });

  it('exits 1 with a Chinese message when GONGYOU_DATA_DIR is a file, not a folder', () => {
    const file = join(t.dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/gongyou.js'), 'ask', '你好'], {
      encoding: 'utf8',
      env: { ...process.env, GONGYOU_DATA_DIR: file, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('GONGYOU_DATA_DIR 应该是一个文件夹');
  });

  it('in group mode answers only lines addressed to it', () => {
    const r = gongyou(['chat', '--group', 'g1'], '大家好\n@工友助手 新职伤要自己交钱吗\n今天好热\n');
    expect(r.code).toBe(0);
    expect(r.out.match(/工友助手：/g)).toHaveLength(1);
  });
});
