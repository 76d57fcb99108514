import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { addDays, addWorkingDays, addYears, cnDay, dayOf } from '../src/core/dates.ts';
import { loadHolidays } from '../src/core/holidays.ts';
import { tempDir } from './helpers/app.ts';
import { containsPhone, maskPhone } from '../src/core/privacy.ts';
import * as f from '../src/flows/fields.ts';
import { workInjuryDeadlines } from '../src/flows/injury.ts';
import { loadPilot, findPlatform, findProvince } from '../src/knowledge/pilot.ts';
import { join } from 'node:path';
import { ROOT } from '../src/paths.ts';
import { toCsv } from '../src/staff/csv.ts';

const TODAY = '2026-11-23'; // a Monday

describe('field normalisers', () => {
  it('reads mobile numbers however they are written, and nothing else', () => {
    for (const ok of ['13812345678', '138 1234 5678', '138-1234-5678', '+86 13812345678', '８６１３８１２３４５６７８'.slice(2), '手机号：13812345678']) {
      expect(f.phone(ok), ok).toBe('13812345678');
    }
    for (const bad of ['1381234567', '138123456789', '12812345678', '23812345678', 'abc', '', '１３８', "1' OR '1'='1", '<script>']) {
      expect(f.phone(bad), bad).toBeUndefined();
    }
  });

  it('takes a name, not a refusal or a sentence', () => {
    expect(f.personName('张三')).toBe('张三');
    expect(f.personName('我叫李小明')).toBe('李小明');
    expect(f.personName('阿依古丽·买买提')).toBe('阿依古丽·买买提');
    expect(f.personName('Zhang San')).toBe('Zhang San');
    for (const bad of ['张', '不想说', '13812345678', "'; DROP TABLE members;--", '<script>alert(1)</script>', '😀😀', '新职伤要交钱吗', 'a'.repeat(50)]) {
      expect(f.personName(bad), bad).toBeUndefined();
    }
  });

  it('takes a place and drops 市, but not a question', () => {
    expect(f.place('深圳')).toBe('深圳');
    expect(f.place('深圳市')).toBe('深圳');
    expect(f.place('我在广东东莞')).toBe('广东东莞');
    expect(f.place('北京市朝阳区')).toBe('北京市朝阳区');
    for (const bad of ['北京有新职伤吗', '123', 'Shenzhen!!', '', '不知道']) expect(f.place(bad), bad).toBeUndefined();
  });

  it('reads days relative to today and refuses the future', () => {
    expect(f.day('今天', TODAY)).toBe('2026-11-23');
    expect(f.day('昨天晚上', TODAY)).toBe('2026-11-22');
    expect(f.day('前天', TODAY)).toBe('2026-11-21');
    expect(f.day('3天前', TODAY)).toBe('2026-11-20');
    expect(f.day('三天前', TODAY)).toBe('2026-11-20');
    expect(f.day('11月20日', TODAY)).toBe('2026-11-20');
    expect(f.day('12月20号', TODAY)).toBe('2025-12-20');
    expect(f.day('2026-11-01', TODAY)).toBe('2026-11-01');
    expect(f.day('2026年2月29日', TODAY)).toBeUndefined();
    expect(f.day('20号', TODAY)).toBe('2026-11-20');
    expect(f.day('25号', TODAY)).toBe('2026-10-25');
    expect(f.day('周五', TODAY)).toBe('2026-11-20');
    expect(f.day('上周五', TODAY)).toBe('2026-11-20');
    expect(f.day('上周一', TODAY)).toBe('2026-11-16');
    expect(f.day('2027-01-01', TODAY)).toBeUndefined();
    expect(f.day('上个月', TODAY)).toBeUndefined();
    expect(f.when('上个月', TODAY)).toBe('上个月');
    expect(f.when('一直这样', TODAY)).toBe('一直这样');
    expect(f.when('你猜', TODAY)).toBeUndefined();
  });

  it('reads amounts of money', () => {
    expect(f.amount('200')).toBe(200);
    expect(f.amount('200元')).toBe(200);
    expect(f.amount('两百块')).toBe(200);
    expect(f.amount('1.5万')).toBe(15000);
    expect(f.amount('3,000')).toBe(3000);
    expect(f.amount('大概500块钱')).toBe(500);
    expect(f.amount('没有')).toBeNull();
    for (const bad of ['-200', '很多', '1e9', '99999999999', 'abc']) expect(f.amount(bad), bad).toBeUndefined();
  });

  it('reads yes, no and choices', () => {
    expect(f.yesNo('同意')).toBe(true);
    expect(f.yesNo('嗯嗯')).toBe(true);
    expect(f.yesNo('不同意')).toBe(false);
    expect(f.yesNo('签了')).toBe(true);
    expect(f.yesNo('随便')).toBeUndefined();
    expect(f.yesNoUnsure('不清楚')).toBe('unsure');
    expect(f.yesNoUnsure('3')).toBe('unsure');
    expect(f.yesNoUnsure('[31m')).toBeUndefined();
    const opts = [
      { value: '外卖', words: ['骑手', '送餐'] },
      { value: '快递', words: ['派件'] },
    ];
    expect(f.choice('2', opts)).toBe('快递');
    expect(f.choice('我是送餐的', opts)).toBe('外卖');
    expect(f.choice('9', opts)).toBeUndefined();
  });
});

describe('dates and deadlines', () => {
  it('counts in China time', () => {
    expect(dayOf(new Date('2026-11-22T17:00:00Z'))).toBe('2026-11-23');
    expect(cnDay('2026-11-23', true)).toBe('2026年11月23日（周一）');
  });

  it('adds working days, calendar days and years', () => {
    expect(addWorkingDays('2026-11-23', 5)).toBe('2026-11-30');
    expect(addWorkingDays('2026-11-27', 1)).toBe('2026-11-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
  });

  it("skips the public holidays in the union's table and counts the 调休 weekend days as working days", () => {
    const calendar = loadHolidays();
    // 国庆节 2026-10-01..07 off; Saturday 2026-10-10 worked
    expect(addWorkingDays('2026-09-30', 1, calendar)).toBe('2026-10-08');
    expect(addWorkingDays('2026-10-09', 1, calendar)).toBe('2026-10-10');
    // 春节 2026-02-15..23 off; Saturday 2026-02-14 worked
    expect(addWorkingDays('2026-02-13', 1, calendar)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-14', 1, calendar)).toBe('2026-02-24');
    // a year the table does not list: weekends only
    expect(addWorkingDays('2027-10-01', 1, calendar)).toBe('2027-10-04');
  });

  it('refuses a holiday table with a malformed date, naming the problem in Chinese', () => {
    const t = tempDir();
    const file = join(t.dir, 'holidays.yaml');
    writeFileSync(file, 'years:\n  2027:\n    off:\n      - { from: 2027-02-30, to: 2027-03-01 }\n');
    expect(() => loadHolidays(file)).toThrow(/holidays\.yaml 格式有误：日期要写成/);
    t.cleanup();
  });

  it('computes the 工伤 deadlines as calendar dates (工伤保险条例 第十七条)', () => {
    expect(workInjuryDeadlines('2026-11-01')).toEqual({ employerBy: '2026-12-01', workerBy: '2027-11-01' });
    expect(workInjuryDeadlines('2026-01-31')).toEqual({ employerBy: '2026-03-02', workerBy: '2027-01-31' });
  });
});

describe('pilot look-up', () => {
  const pilot = loadPilot(join(ROOT, 'knowledge/tables/xinzhishang-pilot.yaml'));
  it('matches the longest name, and not another business of a platform', () => {
    expect(findPlatform(pilot, '滴滴货运')?.name).toBe('滴滴货运');
    expect(findPlatform(pilot, '滴滴')?.name).toBe('滴滴出行');
    expect(findPlatform(pilot, '美团外卖')?.name).toBe('美团');
    expect(findPlatform(pilot, '美团打车')).toBeUndefined();
    expect(findProvince(pilot, '马鞍山')?.name).toBe('安徽');
    expect(findProvince(pilot, '鞍山')?.name).toBe('辽宁');
  });
});

describe('privacy and CSV', () => {
  it('masks mobile numbers anywhere in a text', () => {
    expect(maskPhone('电话13812345678，或 139-1234-5678')).toBe('电话138****5678，或 139****5678');
    expect(containsPhone('我的号 138 1234 5678')).toBe(true);
    expect(containsPhone('订单号 202611231234567890')).toBe(false);
  });

  it('writes CSV with a BOM, quotes, and no formulas', () => {
    const csv = toCsv(['a', 'b'], [['x,y', '=HYPERLINK("http://x")'], ['line\nbreak', null]]);
    expect(csv.startsWith('\ufeffa,b\r\n')).toBe(true);
    expect(csv).toContain('"x,y"');
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain('"line\nbreak",');
  });
});
