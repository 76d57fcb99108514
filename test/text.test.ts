import { describe, expect, it } from 'vitest';
import { chineseNumeral, fixSlips, fold } from '../src/knowledge/text.ts';
import { Tokenizer } from '../src/knowledge/tokenize.ts';
import { parseSynonyms } from '../src/knowledge/lexicon.ts';

describe('fold', () => {
  it('turns traditional characters into simplified ones for matching', () => {
    expect(fold('勞動合同與工資')).toBe('劳动合同与工资');
  });

  it('makes full-width digits and letters half-width', () => {
    expect(fold('打１２３３３或ＡＰＰ')).toBe('打12333或app');
  });

  it('writes quantities as digits so "三十日" meets "30日"', () => {
    expect(fold('应当在三十日内提出')).toBe('应当在30日内提出');
    expect(fold('一年内')).toBe('1年内');
    expect(fold('第十七条')).toBe('第17条');
    expect(fold('支付二倍的工资')).toBe('支付2倍的工资');
    // a 万 after digits is their unit, not a numeral of its own (was "最高20元")
    expect(fold('最高2万元')).toBe('最高2万元');
    expect(fold('1.5万元')).toBe('1.5万元');
  });

  it('leaves words that merely contain numerals alone', () => {
    expect(fold('统一的一次性伤残补助金')).toBe('统一的一次性伤残补助金');
    // "哪一天" asks which day; it is not one day
    expect(fold('试点是从哪一天开始的')).toBe('试点是从哪一天开始的');
  });
});

describe('chineseNumeral', () => {
  it('reads the numerals used in law texts', () => {
    expect(chineseNumeral('十七')).toBe(17);
    expect(chineseNumeral('一百零五')).toBe(105);
    expect(chineseNumeral('三十')).toBe(30);
    expect(chineseNumeral('两万')).toBe(20000);
    expect(chineseNumeral('工伤')).toBeUndefined();
  });
});

describe('Tokenizer', () => {
  const lexicon = {
    userDict: '新职伤 20000 n\n一键报案 20000 n\n',
    canonical: parseSynonyms('新职伤 职业伤害保障 职伤险\n骑手 外卖员 外卖小哥\n'),
    expansions: new Map<string, string[]>(),
    fingerprint: 'test',
  };
  const tok = new Tokenizer(lexicon);

  it('keeps domain words whole and drops question words', () => {
    const terms = tok.terms('新职伤怎么一键报案啊？');
    expect(terms).toContain('新职伤');
    expect(terms).toContain('一键报案');
    expect(terms).not.toContain('怎么');
    expect(terms).not.toContain('啊');
  });

  it('maps synonyms to one word, so different wordings meet', () => {
    expect(tok.terms('外卖小哥有职伤险吗')).toEqual(expect.arrayContaining(['骑手', '新职伤']));
    expect(tok.terms('外卖小哥有职伤险吗')).not.toContain('职伤险');
  });

  it('puts right the pinyin slips in the words our field turns on', () => {
    expect(fixSlips('老板不给报公伤')).toBe('老板不给报工伤');
    expect(fixSlips('想入公会')).toBe('想入工会');
    expect(fixSlips('工商局')).toBe('工商局');
  });
});
