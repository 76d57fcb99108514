import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../src/paths.ts';
import { loadPilot } from '../src/knowledge/pilot.ts';
import { understand, VALUE_PATTERN } from '../src/knowledge/understand.ts';

/** What a question asks for decides which sentence leads and whether the answer may be sure. */

const wants = (q: string) => understand(q, { today: '2026-12-04' }).wants;

it('tells a number asked for from a call in the story', () => {
  expect(wants('找法律援助打哪个电话')).toBe('phone');
  expect(wants('贵州工会维权电话多少')).toBe('phone');
  expect(wants('为啥给我打电话核实的是保险公司 新职伤不是人社管的吗')).toBeUndefined();
  expect(wants('包工头跑路了 电话也打不通 工钱找谁要啊')).toBeUndefined();
  expect(wants('公司打电话说合同解除了让他别来了 这能行吗')).toBeUndefined();
});

it('knows a question about a penalty, a share, a verdict, a cost, an end date or weekdays', () => {
  expect(wants('用人单位使用童工的，劳动保障行政部门如何处罚？')).toBe('penalty');
  expect(wants('合同期满后继续干 单位没说啥 如何处理')).not.toBe('penalty');
  expect(wants('用人单位拒绝订立无固定期限劳动合同的，应当承担何种责任？')).toBe('penalty');
  expect(wants('货拉拉现在抽成到底是多少个点')).toBe('share');
  expect(wants('银川那个网约车司机告平台 法院咋判的')).toBe('verdict');
  expect(wants('劳动仲裁要交钱不 请不起')).toBe('fee');
  expect(wants('哈尔滨暖心驿站冬天开到啥时候')).toBe('date');
  expect(wants('滁州那个骑手互助保障到啥时候到期')).toBe('date');
  expect(wants('大理调解中心法官哪几天在')).toBe('hours');
  expect(wants('北京小伤快赔要上传哪些材料')).toBe('papers');
  expect(wants('上班时间去产检 公司算我旷工扣钱 这对吗')).toBeUndefined();
});

it('reads a contract of 二个半月 as two and a half months', () => {
  expect(understand('劳动合同期限为二个半月的，能否约定试用期？', { today: '2026-12-04' }).facts.contractMonths).toBe(2.5);
});

it('does not take the month of a date for a length of time', () => {
  const d = VALUE_PATTERN.duration;
  expect(d.test('截至8月底，全市受理报案147件')).toBe(false);
  expect(d.test('自7月1日起实施')).toBe(false);
  expect(d.test('只用了8个工作日')).toBe(true);
  expect(d.test('满3个月的')).toBe(true);
});

it('asks what, not whether, when a question ends in 什么', () => {
  const asks = (q: string) => understand(q, { today: '2026-12-04' }).asks;
  expect(asks('不完全符合确立劳动关系情形但企业对劳动者进行劳动管理的，应当签订什么？')).not.toBe('yesno');
  expect(asks('公司不给交社保 这样合法么？')).toBe('yesno');
  expect(asks('哈尔滨那个被辞退的骑手 赔偿金判了多少')).toBe('amount');
  expect(wants('哈尔滨那个被辞退的骑手 赔偿金判了多少')).toBe('money');
  expect(wants('12351热线几点到几点有人工接听')).toBe('hours');
  expect(understand('试用期定了半年 合同才一年 这合法吗', { today: '2026-12-04' }).facts.contractMonths).toBe(12);
});

it('does not take a platform the worker says they are not on for theirs', () => {
  const facts = (q: string) => understand(q, { today: '2026-12-04', pilot: loadPilot(join(ROOT, 'knowledge/tables/xinzhishang-pilot.yaml')) }).facts;
  expect(facts('北京开网约车 平台不是滴滴曹操那种大的 有新职伤没').platform).toBeUndefined();
  expect(facts('我在北京跑曹操出行 有新职伤没').platform).toBe('曹操出行');
});

it('asks for a level when a question asks 几级', () => {
  expect(wants('鹤峰那个被撞的骑手评了几级伤残')).toBe('grade');
  expect(VALUE_PATTERN.grade.test('伤情构成十级伤残')).toBe(true);
  expect(VALUE_PATTERN.grade.test('评了伤残等级')).toBe(false);
});
