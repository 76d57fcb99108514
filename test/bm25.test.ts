import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../src/knowledge/bm25.ts';

const docs: [number, string[]][] = [
  [10, ['工伤', '认定', '申请', '30', '日']],
  [11, ['劳动', '合同', '解除', '经济', '补偿']],
  [12, ['工伤', '保险', '待遇', '医疗']],
  [13, ['仲裁', '时效', '1', '年']],
];

function build() {
  const index = new Bm25Index();
  for (const [k, t] of docs) index.add(k, t);
  return index;
}

describe('Bm25Index', () => {
  it('ranks the document sharing the rarest words first', () => {
    const hits = build().search(['工伤', '认定'], 3);
    expect(hits[0]!.key).toBe(10);
    expect(hits.map((h) => h.key)).toContain(12);
    expect(hits.map((h) => h.key)).not.toContain(11);
  });

  it('forgets a removed document', () => {
    const index = build();
    index.remove(10);
    expect(index.search(['认定'], 3)).toEqual([]);
    expect(index.size).toBe(3);
  });

  it('replaces a document added again under the same key', () => {
    const index = build();
    index.add(13, ['封号', '申诉']);
    expect(index.search(['仲裁'], 3)).toEqual([]);
    expect(index.search(['封号'], 3)[0]!.key).toBe(13);
  });

  it('returns the same ranking after a save and load, and stays editable', () => {
    const index = build();
    index.remove(11);
    const loaded = Bm25Index.deserialize(index.serialize());
    expect(loaded.search(['工伤', '医疗'], 3)).toEqual(index.search(['工伤', '医疗'], 3));
    loaded.add(20, ['工伤', '医疗', '医疗']);
    expect(loaded.search(['医疗'], 1)[0]!.key).toBe(20);
    expect(loaded.size).toBe(4);
  });

  it('lets the caller veto results', () => {
    const hits = build().search(['工伤'], 3, (k) => k !== 10);
    expect(hits.map((h) => h.key)).toEqual([12]);
  });
});
