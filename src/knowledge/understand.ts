import { addDays, addMonths, isValidDay } from '../lib/dates.ts';
import { placeIn } from './places.ts';
import { findPlatform, type Pilot } from './pilot.ts';
import { chineseNumeral, fold } from './text.ts';

/**
 * What a question asks and what it tells, read once before retrieval: retrieval, the curated-answer
 * match, the structured answers and the composer all use it.
 */

/** What kind of answer would answer it. */
export type Asks = 'yesno' | 'amount' | 'period' | 'place' | 'procedure' | 'definition' | 'other';

/** The 新职伤 scheme named: no labour-law rule or text on employees answers for it. */
export const NEW_SCHEME = /(新职伤|职业伤害|职伤)/;

export type Work = '即时配送' | '出行' | '货运' | '快递';

/** The kind of value that answers: a document number, a phone, an address, opening hours, a date … */
export type Wants = 'docno' | 'phone' | 'address' | 'hours' | 'date' | 'duration' | 'money' | 'share' | 'count' | 'person' | 'email' | 'papers' | 'penalty' | 'verdict' | 'fee' | 'grade';

/** What the answer must hold for each kind of value (in folded text). */
export const VALUE_PATTERN: Record<Wants, RegExp> = {
  docno: /〔\d{4}〕\d+号|\[\d{4}\]\d+号|第\d+号令/,
  // a landline, a mobile, or a public hotline (12333, 12351 …): not any number that starts with 12
  phone: /\d{3,4}-\d{7,8}|(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)(12333|12351|12348|12345|12315|12366|12368|12309|12380|95\d{3,4}|400-?\d{3}-?\d{4})(?!\d)|\d{3,4}-12\d{3}/,
  address: /[路街道巷弄里]\d+号|(?<![〕\]\d第])\d+号(楼|院|大厦)?|大厦|大楼|\d+(楼|层|室)|服务大厅|办事大厅|市民中心|政务服务中心|[东西南北][楼座]/,
  hours: /\d{1,2}[:：]\d{2}|[上下]午\d{1,2}点|\d{1,2}点|24小时|全天候?开放|全天|(每周|周|星期|礼拜)[一二三四五六日天]/,
  date: /\d{4}年|\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}/,
  // not the parts of a date ("2024年", "9月25日")
  duration: /(?<![\d年月.])\d{1,3}(\.\d+)?(个)?(日|天|周|月(?![底初中上下份\d])|年|小时|工作日)|半(个)?月|当日|当天|立即|马上|尽快|及时/,
  // a sum, or the share of a sum that is paid ("补贴缴费的50%")
  money: /\d+(\.\d+)?(万|亿)?(元|块)|\d+(\.\d+)?个?月(的)?工资|半个月工资|\d+(\.\d+)?%/,
  share: /\d+(\.\d+)?%|百分之|\d+倍|[一二两三四五六七八九十]倍/,
  // in digits, or as laws write them (二十五人, 十名以上)
  count: /\d+(\.\d+)?(万|亿)?(多|余)?(人|个|家|名|户|件|次|所|处)|(?<!第)[一二两三四五六七八九]?[十百千][一二三四五六七八九]?(万|亿)?(多|余)?(人|名|户|家)/,
  // a person named with their post ("工伤保险处处长 孙立新", "林志强主持"), as news pages name officials
  email: /[\w.+-]+@[\w-]+(\.[\w-]+)+/,
  // what to bring or hand in: papers and records
  papers: /(身份证|证件|证明|记录|截图|合同|病历|诊断|票据|发票|申请表|申请书|复印件|照片|认定书|工资条|银行流水)/,
  // a disability or other level ("十级伤残", "评了9级")
  grade: /[一二三四五六七八九十\d]+级/,
  // whether something costs money, and how much
  fee: /(收费|免费|费用|保费|缴费|交费|缴纳|出钱|掏钱|不要钱|不花钱|交钱|\d+(\.\d+)?元)/,
  // what a court or an arbitration decided
  verdict: /(判决|判令|裁决|驳回|认定|不予支持|予以支持|支持了|确认|败诉|胜诉)/,
  // what happens to who breaks the rule
  penalty: /(罚款|处罚|处以|罚|责令|吊销|追究|警告|拘留|赔偿|承担.{0,6}责任|支付.{0,8}(二倍|两倍|双倍|2倍))/,
  person: /(厅长|局长|主任|主席|书记|处长|部长|科长|负责人|经理|站长|会长|院长|庭长|法官|律师|调解员|发言人|解读人|主持人)[：:\s]?[\u4e00-\u9fa5]{2,3}|[\u4e00-\u9fa5]{2,3}(主持|致辞|讲话|解读)/,
};

/** The words that ask for each kind: they say what is asked, not what it is about. */
const WANTS: [Wants, RegExp][] = [
  ['docno', /(文号|文件号|几号文|号文件|发文字号|哪个文件|什么文件|啥文件|哪份文件|文件是(啥|什么|哪个|哪份)|文件.{0,4}(几号|哪个号|什么号|啥号))/],
  ['hours', /(几点|开门|营业时间|办公时间|上班时间(?!去|内|里|请|看|办|干|做|段)|接待时间|工作时间.{0,3}几点|几点.{0,3}(上班|开门|下班|关门)|哪几天|星期几|周几|礼拜几)/],
  ['phone', /(电话|热线|号码|打哪个|打什么|打啥|拨打|拨哪个|联系方式)/],
  ['address', /(地址|具体位置|门牌|怎么走|哪条路|在哪条)/],
  ['date', /((开|办|持续|延续|截止|有效|管)?到(啥|什么)时候|(啥|什么)时候(到期|截止|结束)|哪天|哪一天|哪年|哪一年|几月|几号(签|发|出|定|开始|实施|施行)|什么时候(签|发|出|定|开始|实施|施行|印发|公布)|啥时候(签|发|出|定|开始|实施|施行|印发|公布)|何时|日期|哪个月)/],
  ['email', /(邮箱|电子邮件|邮件地址|email|e-mail)/],
  ['papers', /(带(些)?(啥|什么|哪些)|要带|得带|准备(些)?(啥|什么|哪些)|(交|提交|提供|准备|上传|递交)(些)?(啥|什么|哪些)(材料|证明|东西|资料)|(需要|要|得)(上传|提交|准备|带|交)?(哪些|什么|啥)(材料|证件|证明|资料))/],
  ['person', /(谁(来)?(主持|解读|出面|讲话|致辞|带队|出席)|哪位(领导|负责人|官员)|什么人(主持|解读|出面))/],
  ['share', /(比例|百分之几|几成|多少倍|几倍|百分比|(多少|几)个点(?!位)|(抽成|抽佣|提成|佣金|费率)(是|有|到底是|大概)?(多少|几))/],
  ['count', /(几个?(部门|单位|机构|省|平台|行业|城市|文件)|多少[^，。？?]{0,8}(劳动者|职工|会员|工人|快递员)|多少人|多少起|多少件|多少例|多少宗|几名|几位|(来|去|有|派|选)了?几个(?!工作日|月|小时|钟头|星期|礼拜)|多少个(?!工作日|月|小时|钟头|星期|礼拜)|多少家|多少名|几家|几个省|多少万|覆盖多少|管多少|多少骑手|多少司机)/],
  ['money', /(多少钱|(赔|补|给|拿|领|发|报|付|交|扣|罚|挣|赚|判|投|花|缴|掏|出)了?多少|(支付|发放|赔付|花费|投入)[^，。？?]{0,4}多少|几块钱|多少块|多少元|多钱|补贴多少)/],
  ['grade', /(几级|哪一级|哪个级别|什么级别|啥级别|评了多少级)/],
  ['fee', /((要|需要|得|用)?(交|花|出|收|掏)(钱|费)(不|吗|么|嘛|没|啊)|收费(吗|不|么|嘛)|免费(吗|不|么|嘛)|要钱(吗|不|么|嘛)|(多少|啥|什么)费用|费用(是)?(多少|怎么))/],
  ['verdict', /((咋|怎么|如何|怎样)(判|裁)|判了?(啥|什么)|(判决|裁决)结果|法院.{0,6}(认定|支持|判))/],
  ['penalty', /((如何|怎么|怎样|咋|会被?|要被?)(处罚|罚|追责)|(什么|啥|哪些|何种)(处罚|罚则|法律责任|责任)|受到.{0,2}处罚|罚则)/],
  ['duration', /(多久|多长时间|几天|几个工作日|多少个?工作日|多少个月|多少个?小时|多少天|(?<!补|赔|给|拿|领|要)几个月|(?<!这|近|前|头|过去)几年(?!书)|期限|时效|时限)/],
];

const CALL_IN_STORY = /(给我|跟我|向我)?打(了)?(个)?电话(来|说|过来|核实|通知|问我|调查|给我|催)|(不|没)接电话|电话(也|都)?(打不通|不接|没人接|关机|停机)|接到.{0,4}电话/g;

export interface Facts {
  /** A 新职伤 pilot platform, by its name in the pilot table. */
  platform?: string;
  /** Another platform or company named (京东, 中通 …): not in the pilot table. */
  otherPlatform?: string;
  province?: string;
  /** The city, when one is named ("乌鲁木齐", "杭州"). */
  city?: string;
  work?: Work;
  /** true: says it has a labour contract; false: says it has none (众包, 兼职, 没签合同). */
  contract?: boolean;
  /** Time worked for the employer, in months ("两年零八个月" → 32). */
  monthsWorked?: number;
  /** The agreed term of the labour contract, in months ("签了三年合同" → 36). */
  contractMonths?: number;
  /** Calendar days named (an accident, a dismissal), YYYY-MM-DD, never after today. */
  dates: string[];
  /** Monthly pay in yuan ("月薪5000", "每月6000块", "工资4350"). */
  wage?: number;
}

export interface Understanding {
  question: string;
  folded: string;
  asks: Asks;
  facts: Facts;
  /** The words that only set the scene: the place, the platform, the kind of work. */
  context: string[];
  /** The kind of value that answers, when the question names one. */
  wants?: Wants;
  /** A month the question asks about ("到2025年6月…多少人"): the answer must be about that month. */
  month?: string;
}

/** First rule that fits wins: "多久之内" is a period even with "怎么", "多少天" a period, not an amount, "是啥时候" not a definition. */
/** What kind of answer a (folded) question asks for. */
export const asksOf = (folded: string): Asks => ASKS.find(([, re]) => re.test(folded))?.[0] ?? 'other';

const ASKS: [Asks, RegExp][] = [
  ['period', /(多久|多长时间|多长|多少时间|时间限制|几天|多少天|几个工作日|(?<!这|近|前|头|过去)几年(?!书)|多少年|期限|时效|时限|什么时候|啥时候|何时|哪年|哪一年|截止|最晚|最迟|哪天|哪一天|几号|之内|以内|内要|内得|过期|超过.{0,4}(还能|能不能|还可以))/],
  ['amount', /(多少钱|多少|几倍|怎么算|咋算|如何计算|怎么计算|计算|标准|赔多少|补多少|几个月(的)?(工资|补偿)|补几个月|赔几个月|给几个月|(补偿|赔偿|赔)[^，。,]{0,4}几个月|比例|百分之几|金额|\bn\+1\b)/],
  ['definition', /(是什么|是啥|是干嘛|干什么的|啥是|什么是|什么叫|啥叫|指的是|是指|指什么|指啥|什么意思|啥意思|含义|定义)/],
  ['place', /(去哪|到哪|在哪|哪里|哪儿|哪个部门|什么部门|啥部门|哪个单位|找谁|找哪|向谁|向哪|谁管|哪管|电话|热线|打什么|打啥|哪个机构|什么机构|什么地方|啥地方|入口|渠道|哪告|哪儿告|哪里告)/],
  ['yesno', /(能不能|能否|可不可以|可否|可以吗|是不是|有没有|算不算|属不属于|是否|合法吗|违法吗|行不行|要不要|需不需要|用不用|会不会|有无|允许|对不对|吗|嘛|(?<![什怎那这多])么[?？]?$|[^要]不[?？]?$|没[?？]?$)/],
  ['procedure', /(怎么办|咋办|咋整|怎么弄|咋弄|怎么做|如何|怎样|怎么|咋|流程|步骤|手续|程序|办理|申请)/],
];


const WORK: [Work, RegExp][] = [
  ['快递', /(快递|快件|揽件|派件|网点|中通|圆通|申通|韵达|极兔|邮政|ems|京东快递|顺丰快递|菜鸟)/],
  ['货运', /(货车|货运|拉货|运货|卡车|大车|挂车|搬家|满帮|运满满|货车帮|货拉拉|快狗)/],
  ['出行', /(网约车|专车|快车|出租车|代驾|跑车|开车拉人|拉客|接乘客|乘客|滴滴|曹操|t3|花小猪|高德打车|如祺|首汽)/],
  ['即时配送', /(外卖|骑手|送餐|配送员|跑单|众包|专送|闪送|跑腿|送餐员|美团|饿了么|达达|蜂鸟)/],
];

/** Platforms and companies workers name that are not in the pilot table. */
const OTHER_PLATFORMS = [
  '京东', '顺丰', '中通', '圆通', '申通', '韵达', '极兔', '邮政', '菜鸟', 'T3', '花小猪', '高德', '如祺', '享道', '首汽', '美团打车',
  'UU跑腿', '运满满', '货车帮', '盒马', '叮咚', '朴朴', '小象超市', '淘宝闪购', '抖音',
];

const NO_CONTRACT =
  /(没签|没有签|未签|不签|(没|没有|不)(跟|和|与|给)[^，。签]{0,6}签|不给签|(没有|木有|没|无)固定的?(工作)?单位|没有(书面|劳动)?合同|没合同|无合同|众包|兼职|灵活就业|个体工商户|注册个体|合作协议|承揽|不算员工|不是员工)/;
const CONTRACT = /(签了|签过|签的|签有|有)(劳动)?合同|劳动合同工|合同工|正式工|正式员工|合同制|五险一金|交社保|缴社保|入职|在职|员工|用人单位|单位|公司|厂里|老板|仓库|工厂/;

export interface UnderstandOptions {
  pilot?: Pilot;
  /** YYYY-MM-DD, China time: relative days ("昨天") count from it. */
  today: string;
}

const NOT_MY_PLATFORM = /(不是|并非|除了|不跑|没跑|不在)[^，。,；;？?]{1,12}?(那种|这种|之类|那样|这样|以外|之外|那些|这些)/g;

export function understand(question: string, opts: UnderstandOptions): Understanding {
  const folded = fold(question).replace(/\s+/g, '');
  const asks = asksOf(folded);
  const context: string[] = [];
  // "平台不是滴滴曹操那种大的": the platforms named there are not the worker's
  const ownPlatform = folded.replace(NOT_MY_PLATFORM, '');
  const platform = opts.pilot ? findPlatform(opts.pilot, ownPlatform) : undefined;
  const other = OTHER_PLATFORMS.find((p) => ownPlatform.includes(fold(p)));
  // a platform sets the scene when it says where the worker works ("跑美团", "美团骑手"), not when
  // the question is about the platform itself ("美团跟骑手签的协议")
  const names = platform ? [platform.name, ...platform.aliases] : other ? [other] : [];
  context.push(...names.filter((n) => folded.includes(n) && workingFor(folded, n)));
  // the place is not context: a page staff added about that place must match it fully
  const place = opts.pilot ? placeIn(opts.pilot, folded) : undefined;
  const facts: Facts = {
    ...(platform ? { platform: platform.name } : other ? { otherPlatform: other } : {}),
    ...(place ? { province: place.province, ...(place.city ? { city: place.city } : {}) } : {}),
    dates: datesIn(folded, opts.today),
  };
  for (const [w, re] of WORK) {
    const m = re.exec(folded);
    if (!m) continue;
    facts.work ??= w;
    // the kind of work sets the scene; a platform named in it was judged above
    if (!names.includes(m[0]) && !(opts.pilot && findPlatform(opts.pilot, m[0]))) context.push(m[0]);
  }
  if (NO_CONTRACT.test(folded)) facts.contract = false;
  else if (CONTRACT.test(folded)) facts.contract = true;
  const worked = monthsWorked(folded) ?? monthsBetweenDates(folded, facts.dates);
  if (worked !== undefined) facts.monthsWorked = worked;
  const wage = monthlyWage(folded);
  if (wage !== undefined) facts.wage = wage;
  const term = contractTerm(folded);
  if (term !== undefined) facts.contractMonths = term;
  // "公司打电话说…", "电话也打不通": a call in the story, not a number asked for
  const asking = folded.replace(CALL_IN_STORY, '');
  const wanted = WANTS.find(([, re]) => re.test(asking));
  // "文号", "电话", "几点" say what is asked for: they need not be in the passage, the value must
  if (wanted) context.push(wanted[1].exec(asking)![0]);
  // "到2025年6月", "2025年6月份": a figure as of that month, not another one
  const month = /(\d{4})年(\d{1,2})月(?!\d{1,2}[日号])/.exec(folded);
  return {
    question,
    folded,
    asks,
    facts,
    context,
    ...(wanted ? { wants: wanted[0] } : {}),
    ...(month && (asks === 'amount' || wanted) ? { month: `${month[1]}年${Number(month[2])}月` } : {}),
  };
}

function workingFor(folded: string, name: string): boolean {
  const at = folded.indexOf(name);
  const before = folded.slice(Math.max(0, at - 2), at);
  const after = folded.slice(at + name.length, at + name.length + 3);
  return /(跑|送|开|做|干|在|给|接|用)了?$/.test(before) || /^(的)?(骑手|司机|外卖|众包|专送|小哥|师傅|兼职|全职|快车|专车)/.test(after);
}

/** "2年零8个月" → 32, "3年半" → 42, "8个月" → 8, "半年" → 6; in folded text (numerals are digits). */
function months(text: string): number | undefined {
  let m: RegExpExecArray | null;
  if ((m = /(\d+(?:\.\d+)?)年(?:零|又)?(\d+)个?月/.exec(text))) return Math.round(Number(m[1]) * 12) + Number(m[2]);
  if ((m = /(\d+)年半/.exec(text))) return Number(m[1]) * 12 + 6;
  if ((m = /(\d+(?:\.\d+)?)(?:多)?年/.exec(text))) return Math.round(Number(m[1]) * 12);
  if ((m = /(\d+)个半月/.exec(text))) return Number(m[1]) + 0.5;
  if ((m = /(\d+)(?:多)?个月/.exec(text))) return Number(m[1]);
  if (/半年/.test(text)) return 6;
  return undefined;
}

const DURATION = /(\d+年半|\d+(?:\.\d+)?(?:多)?年(?:零|又)?(?:\d+个?月)?|\d+个半月|\d+(?:多)?个月|半年)/g;

/** How long the worker has worked there: a duration after 干了/工作了/满/工龄…, not a contract's term. */
function monthsWorked(folded: string): number | undefined {
  for (const m of folded.matchAll(DURATION)) {
    const before = folded.slice(Math.max(0, m.index! - 8), m.index);
    const after = folded.slice(m.index! + m[0].length, m.index! + m[0].length + 3);
    if (/(合同|签|期限|试用)/.test(before.slice(-4)) || /^(的|期)?(劳动)?合同/.test(after)) continue;
    if (/(干了|做了|工作了|上班|上了|待了|呆了|跑了|开了|送了|干|做|工作|满|工龄|入职|干满|做满|工作满|累计|连续|交了|缴了|缴费|参保)/.test(before) || /^(了|工龄)/.test(after)) {
      return months(m[0]);
    }
  }
  return undefined;
}

/** Monthly pay: "月薪5000", "平均每月6000", "工资4350元", "一个月5000块", "5000一个月", "月工资1.2万". */
function monthlyWage(folded: string): number | undefined {
  // "工资1个月5220": the 1 of "1个月" is not the pay; "拖了3个月工资" is no pay at all
  const m =
    /(?:月薪|月工资|月收入|月均|底薪|(?<![日时天])工资(?!一天|每天|一小时|每小时)|每个?月|1个月|平均每月|平均每个月|每月平均|本人工资|缴费工资)(?:是|有|为|才|大概|大约|差不多|拿|1个月|每个?月)?[^\d]{0,4}?(\d+(?:\.\d+)?)(万|千|k)?(?:元|块)?(?!\.?\d|个|月|年|天|日|号|小时|%)/i.exec(folded) ??
    /(\d+(?:\.\d+)?)(万|千|k)?(?:元|块)?(?:钱)?(?:1个月|每月|\/月|的月薪|月薪)/i.exec(folded);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] === '万' ? 10000 : m[2] ? 1000 : 1);
  return n >= 500 && n <= 200000 ? n : undefined;
}

/** "去年3月1号进的…今年2月底走了": the time worked from a start day and an end day (or today). */
function monthsBetweenDates(folded: string, dates: string[]): number | undefined {
  if (!dates.length || !/(进的|入职|进厂|进公司|进.{0,6}(公司|单位|厂|网点|站点|仓库|工地|店)|开始上班|开始干|来上班|上班的|干起)/.test(folded)) return undefined;
  const [start, end] = [dates[0]!, dates[1]];
  if (!end || end <= start) return undefined;
  // whole months from the first day to the day after the last (3月1日 to 次年2月28日 is 12)
  const [y1, m1, d1] = start.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = addDays(end, 1).split('-').map(Number) as [number, number, number];
  return (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
}

/** The contract's agreed term: "签了三年合同", "合同期2年", "一年的合同", "两个月的短期工"; 无固定期限 is Infinity. */
function contractTerm(folded: string): number | undefined {
  if (/无固定期限/.test(folded)) return Infinity;
  const m =
    /合同(?:期|期限)?(?:是|签了|签的|为|签|才|就|只|只有|只签了?|也就|也才)?(\d+(?:\.\d+)?(?:多)?年(?:零|又)?(?:\d+个?月)?|\d+年半|\d+个半月|\d+个月|半年)/.exec(folded) ??
    /(\d+(?:\.\d+)?年(?:零|又)?(?:\d+个?月)?|\d+年半|\d+个半月|\d+个月|半年)(?:的|期)?(?:劳动)?合同/.exec(folded) ??
    // "干两个月的短期工": a short job's length is its term
    /(\d+(?:多)?个月|半年)(?:的)?(?:短期工|临时工|短工|短期活|短期)/.exec(folded);
  return m ? months(m[1]!) : undefined;
}

const iso = (y: number, m: number, d: number) => {
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isValidDay(s) ? s : undefined;
};

/**
 * Calendar days in a question: "2026年3月5日", "3月5号", "2026-03-05", "昨天", "前天", "3天前",
 * "上个月10号". A day without a year is the last such day not after today.
 */
export function datesIn(folded: string, today: string): string[] {
  const text = folded.replace(/([零〇一二两三四五六七八九十]+)(?=[月日号])/g, (n) => String(chineseNumeral(n) ?? n));
  const ty = Number(today.slice(0, 4));
  const out: string[] = [];
  const push = (d: string | undefined) => {
    if (d && d <= today && !out.includes(d)) out.push(d);
  };
  const taken: [number, number][] = [];
  const free = (i: number, len: number) => !taken.some(([a, b]) => i < b && a < i + len);
  for (const m of text.matchAll(/(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?/g)) {
    taken.push([m.index!, m.index! + m[0].length]);
    push(iso(+m[1]!, +m[2]!, +m[3]!));
  }
  for (const m of text.matchAll(/(去年|前年|今年)(\d{1,2})月(\d{1,2}[日号]|底|末|初|中旬|中)?/g)) {
    if (!free(m.index!, m[0].length)) continue;
    taken.push([m.index!, m.index! + m[0].length]);
    const y = ty - (m[1] === '去年' ? 1 : m[1] === '前年' ? 2 : 0);
    const month = +m[2]!;
    const day = /^\d/.test(m[3] ?? '') ? parseInt(m[3]!, 10) : /底|末/.test(m[3] ?? '') ? new Date(Date.UTC(y, month, 0)).getUTCDate() : /中/.test(m[3] ?? '') ? 15 : 1;
    push(iso(y, month, day));
  }
  for (const m of text.matchAll(/(上个?月|这个?月|本月)?(\d{1,2})月(\d{1,2})[日号]|(上个?月|这个?月|本月)(\d{1,2})[日号]/g)) {
    if (!free(m.index!, m[0].length)) continue;
    if (m[2]) {
      let d = iso(ty, +m[2], +m[3]!);
      if (d && d > today) d = iso(ty - 1, +m[2], +m[3]!);
      push(d);
    } else {
      const base = /上/.test(m[4]!) ? addMonths(`${today.slice(0, 8)}01`, -1) : `${today.slice(0, 8)}01`;
      push(iso(+base.slice(0, 4), +base.slice(5, 7), +m[5]!));
    }
  }
  if (/(今天|今儿|刚才|刚刚)/.test(text)) push(today);
  if (/(昨天|昨晚|昨儿)/.test(text)) push(addDays(today, -1));
  if (/大前天/.test(text)) push(addDays(today, -3));
  else if (/前天/.test(text)) push(addDays(today, -2));
  const ago = /(\d{1,3})(天|日)(前|之前)/.exec(text);
  if (ago) push(addDays(today, -Number(ago[1])));
  return out;
}
