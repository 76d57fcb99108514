import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { addDays, addWorkingDays, addYears, cnDay, dayOf } from '../src/lib/dates.ts';
import { loadHolidays } from '../src/core/holidays.ts';
import { tempDir } from './helpers/app.ts';
import { containsPhone, maskPhone } from '../src/lib/privacy.ts';
import * as f from '../src/flows/fields.ts';
import { workInjuryDeadlines } from '../src/flows/injury.ts';
import { platformName } from '../src/flows/join-union.ts';
import { provinceOfPlace } from '../src/knowledge/places.ts';
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

  it('refuses replies, commands and time words as a name, a place or a platform', () => {
    const pilot = loadPilot(join(ROOT, 'knowledge/tables/xinzhishang-pilot.yaml'));
    const words = ['确认', '可以', '好的', '同意', '不同意', '是', '是的', '不是', '嗯', '嗯嗯', '对', '对的', '行', '取消', '修改', '算了', '上个月', '昨天', '今天', '可以的。', 'ok', '你好'];
    for (const w of words) {
      expect(f.personName(w), `name ${w}`).toBeUndefined();
      expect(f.place(w), `place ${w}`).toBeUndefined();
      expect(platformName(pilot, w), `platform ${w}`).toBeUndefined();
    }
    // real values still pass, including ones that start like a reply word
    expect(f.personName('可欣')).toBe('可欣');
    expect(f.place('行唐')).toBe('行唐');
    expect(f.place('在开封')).toBe('开封');
    expect(platformName(pilot, '美团')).toBe('美团');
    expect(platformName(pilot, '没有固定平台')).toBeDefined();
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

  it('reads colloquial yes and no, but not a question', () => {
    for (const yes of ['没有问题', '没问题', '是的', '是啊', '对', '对的', '嗯', '有', '在送', '当时在送单', '是的在送单', '是的，在送单', '对，正在送', '正在送单呢', '嗯嗯在送外卖', '当时在开车']) {
      expect(f.yesNo(yes), yes).toBe(true);
    }
    for (const no of ['不是', '没有', '没在送', '不在', '没', '不是，我在回家路上', '当时没在送单', '没有在送单', '不在送单']) {
      expect(f.yesNo(no), no).toBe(false);
    }
    for (const neither of ['是不是要在送单的时候？', '在送单算不算？', '对不起', '有点不确定', '是什么意思', '随便']) {
      expect(f.yesNo(neither), neither).toBeUndefined();
    }
    expect(f.yesNoUnsure('不是很确定')).toBe('unsure');
    expect(f.yesNoUnsure('我也不知道')).toBe('unsure');
  });

  it('drops negated words before matching keywords', () => {
    const severe = /流血|骨折|昏|严重|重/;
    for (const calm of ['没流血，不严重', '不严重', '没骨折', '不重', '没有昏迷', '不是很严重']) expect(severe.test(f.dropNegated(calm, severe)), calm).toBe(false);
    for (const bad of ['流血不止', '很严重', '好像骨折了', '没流血但是骨折了']) expect(severe.test(f.dropNegated(bad, severe)), bad).toBe(true);
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

  it('knows the province of every provincial capital and of the big cities outside the pilot', () => {
    const capitals: Record<string, string> = {
      石家庄: '河北', 太原: '山西', 呼和浩特: '内蒙古', 沈阳: '辽宁', 长春: '吉林', 哈尔滨: '黑龙江', 南京: '江苏', 杭州: '浙江', 合肥: '安徽',
      福州: '福建', 南昌: '江西', 济南: '山东', 郑州: '河南', 武汉: '湖北', 长沙: '湖南', 广州: '广东', 南宁: '广西', 海口: '海南',
      成都: '四川', 贵阳: '贵州', 昆明: '云南', 拉萨: '西藏', 西安: '陕西', 兰州: '甘肃', 西宁: '青海', 银川: '宁夏', 乌鲁木齐: '新疆',
      北京: '北京', 天津: '天津', 上海: '上海', 重庆: '重庆', 台北: '台湾', 香港: '香港', 澳门: '澳门',
    };
    for (const [city, province] of Object.entries(capitals)) expect(provinceOfPlace(pilot, city), city).toBe(province);
    for (const [city, province] of [['喀什', '新疆'], ['伊宁', '新疆'], ['日喀则', '西藏'], ['包头', '内蒙古'], ['鄂尔多斯', '内蒙古'], ['海南藏族自治州', '青海'], ['大理', '云南'], ['内蒙古赤峰市', '内蒙古']]) {
      expect(provinceOfPlace(pilot, city), city).toBe(province);
    }
    expect(provinceOfPlace(pilot, '马鞍山')).toBe('安徽');
    expect(provinceOfPlace(pilot, '神木')).toBeUndefined();
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
