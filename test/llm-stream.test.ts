import { describe, expect, it } from 'vitest';
import { ask } from '../src/core/ask.ts';
import { isIntentCall, llmSuite, type Received, type Script } from './helpers/llm-server.ts';
import { serveWeb, type ServedWeb } from './helpers/web-server.ts';

const RULES = `# 某市骑手互助金办法

## 怎么申请

骑手互助金由市总工会发放，骑手入会满三个月后可以申请，每人每年最多申请一次，每次最高2000元。咨询电话12351。
`;
const Q = '骑手互助金入会多久能申请？';

let script: (r: Received) => Script = () => ({ content: '' });
// the intent classifier's calls get a plain label: this suite is about answers
const llm = llmSuite((r) => script(r), { intents: () => ({ content: 'qa' }), env: { LLM_TIMEOUT_MS: '500' }, files: { 'huzhu.md': RULES } });

/** ask() with streaming on: what was passed on, and the result. */
async function streamed(q: string) {
  const deltas: string[] = [];
  const r = await ask(llm.app.kb, llm.app.intents, q, { writer: llm.app.llm, onText: (d) => deltas.push(d) });
  return { r, shown: deltas.join(''), deltas };
}

describe('streamed LLM answers', () => {
  it('passes on checked sentences as they come, and ends with the cited answer and its sources', async () => {
    script = () => ({ stream: ['入会满三个', '月后就可以申请 [', '1]。每人每年', '最多一次，每次最高2000元 [1]。'] });
    const { r, shown, deltas } = await streamed(Q);
    expect(llm.server.received.find((r) => !isIntentCall(r))!.body.stream).toBe(true);
    expect(r.by).toBe('llm');
    expect(deltas).toEqual(['入会满三个月后就可以申请 [1]。', '每人每年最多一次，每次最高2000元 [1]。']);
    expect(r.answer.startsWith(shown)).toBe(true);
    expect(r.answer).toContain('来源：\n[1] 某市骑手互助金办法 › 怎么申请');
  });

  it('stops at a sentence with an invented number: that sentence is never passed on, and the answer falls back', async () => {
    script = () => ({ stream: ['入会满三个月后可以申请 [1]。', '详情拨打 400-800-', '1234 [1]。', '还有别的 [1]。'] });
    const base = await ask(llm.app.kb, llm.app.intents, Q);
    const { r, shown } = await streamed(Q);
    expect(shown).toBe('入会满三个月后可以申请 [1]。');
    expect(shown).not.toContain('400');
    expect(r.by).toBe('fallback');
    expect(r.answer).toBe(base.answer);
  });

  it('falls back when the whole answer has no citation', async () => {
    script = () => ({ stream: ['入会满三个月后', '可以申请。'] });
    const { r } = await streamed(Q);
    expect(r.by).toBe('fallback');
  });

  it('falls back, in bounded time, when the stream stalls past LLM_TIMEOUT_MS', async () => {
    script = () => ({ stream: ['入会满三个月后可以申请 [1]。', '还在想', '……'], gapMs: 2000 });
    const t = performance.now();
    const { r } = await streamed(Q);
    expect(r.by).toBe('fallback');
    expect(performance.now() - t).toBeLessThan(1500);
  });

  it('falls back on a 500, with nothing passed on', async () => {
    script = () => ({ status: 500 });
    const { r, shown } = await streamed(Q);
    expect(r.by).toBe('fallback');
    expect(shown).toBe('');
  });

  it('drops a sources list the model adds, and hides phone numbers from the model', async () => {
    script = () => ({ stream: ['入会满三个月后可以申请 [1]。\n', '来源：[1] 某文件 13900001111'] });
    const { r, shown } = await streamed('我手机13812345678，' + Q);
    expect(r.by).toBe('llm');
    expect(shown).not.toContain('来源');
    for (const got of llm.server.received) expect(got.raw).not.toMatch(/1[3-9]\d{9}/);
  });
});

describe('streaming in the web chat', () => {
  async function post(web: ServedWeb, text: string) {
    const res = await fetch(`${web.url}/api/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'stream-client-1', text }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = (await res.text())
      .split('\n\n')
      .filter((e) => e.trim())
      .map((e) => ({ event: /^event: ?(.*)$/m.exec(e)?.[1], data: JSON.parse(/^data: ?(.*)$/m.exec(e)?.[1] ?? 'null') }));
    return events;
  }

  it('sends delta events as the answer is written, then the final replies', async () => {
    const web = await serveWeb({ engine: llm.app.assistant, log: llm.app.log, kb: llm.app.kb, records: llm.app.records, botName: '工友助手' });
    try {
      script = () => ({ stream: ['入会满三个月后', '就可以申请 [1]。', '每人每年最多一次 [1]。'] });
      const events = await post(web, Q);
      const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data.text as string);
      expect(deltas).toEqual(['入会满三个月后就可以申请 [1]。', '每人每年最多一次 [1]。']);
      const last = events.at(-1)!;
      expect(last.event).toBe('replies');
      expect(last.data.replies[0].text.startsWith(deltas.join(''))).toBe(true);
      expect(last.data.replies[0].sources[0]).toMatchObject({ n: 1, title: '某市骑手互助金办法' });

      // a model that fails after a good sentence: the final replies carry the extractive answer
      script = () => ({ stream: ['入会满三个月后可以申请 [1]。', '拨打 400-800-1234 [1]。'] });
      const failed = await post(web, Q);
      const base = await ask(llm.app.kb, llm.app.intents, Q);
      expect(failed.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')).not.toContain('400');
      expect(failed.at(-1)!.data.replies[0].text).toBe(web.toWeb({ text: base.answer, sources: base.sources }).text);

      // the plain endpoint still answers as before
      const plain = await fetch(`${web.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: 'stream-client-2', text: '你好' }),
      });
      expect(((await plain.json()) as { replies: unknown[] }).replies.length).toBeGreaterThan(0);
    } finally {
      await web.stop();
    }
  });
});
