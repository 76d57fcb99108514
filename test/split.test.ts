import { describe, expect, it } from 'vitest';
import { cutSentences, isLegalText, split } from '../src/knowledge/split.ts';

const LAW = `# 工伤保险条例

## 第三章 工伤认定

第十四条 职工有下列情形之一的，应当认定为工伤：

（一）在工作时间和工作场所内，因工作原因受到事故伤害的；

第十五条 职工有下列情形之一的，视同工伤。

第十七条 职工发生事故伤害，所在单位应当自事故伤害发生之日起30日内提出工伤认定申请。

## 第四章 劳动能力鉴定

第二十一条 职工发生工伤，经治疗伤情相对稳定后存在残疾、影响劳动能力的，应当进行劳动能力鉴定。
`;

describe('split', () => {
  it('makes each article of a legal text one chunk, with its chapter in the path', () => {
    expect(isLegalText(LAW)).toBe(true);
    const chunks = split('工伤保险条例', LAW, 'law');
    expect(chunks.map((c) => c.section)).toEqual(['第十四条', '第十五条', '第十七条', '第二十一条']);
    expect(chunks[0]!.path).toEqual(['工伤保险条例', '第三章 工伤认定', '第十四条']);
    expect(chunks[0]!.text).toContain('（一）在工作时间和工作场所内');
    expect(chunks[3]!.path[1]).toBe('第四章 劳动能力鉴定');
  });

  it('splits other documents at their headings', () => {
    const md = '# 标题\n\n开头的话。\n\n## 谁来交钱\n\n平台交钱。\n\n## 怎么报案\n\n### 第一步\n\n先治疗。\n';
    const chunks = split('标题', md, 'doc');
    expect(chunks.map((c) => c.path)).toEqual([['标题'], ['标题', '谁来交钱'], ['标题', '怎么报案', '第一步']]);
    expect(chunks[2]!.text).toBe('先治疗。');
  });

  it('reads FAQ entries with their variants and the document they rest on', () => {
    const md = '## 新职伤要自己交钱吗？\n同类问法：职伤险扣我钱吗；骑手保险谁出钱\n来源：新职伤：谁交钱\n\n不用。平台按单缴纳。\n';
    const [c] = split('常见问题', md, 'faq');
    expect(c!.faq).toEqual({ question: '新职伤要自己交钱吗？', variants: ['职伤险扣我钱吗', '骑手保险谁出钱'], basis: '新职伤：谁交钱' });
    expect(c!.text).toBe('不用。平台按单缴纳。');
  });

  it('cuts an over-long paragraph at sentence ends, never mid-sentence', () => {
    const s = '这是一句完整的话。'.repeat(100);
    const parts = cutSentences(s, 100);
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(p.endsWith('。')).toBe(true);
    expect(parts.join('')).toBe(s);
  });
});
