import { fixSlips, fold } from '../knowledge/text.ts';
import { looksLikeQuestion } from '../flows/fields.ts';
import type { Intent, LocalIntentClassifier } from '../lib/intents.ts';

/** Kept here for the callers that import them from core (test/eval among them). */
export { INTENTS, type Intent, type IntentClassifier, type LocalIntentClassifier } from '../lib/intents.ts';

/** Words that show a message is about our field even when the knowledge base has no answer. */
export const DOMAIN =
  /工会|入会|退会|会费|驿站|新职伤|职业伤害|职伤|工伤|保险|社保|五险|公积金|骑手|外卖|配送|众包|专送|兼职|时薪|最低工资|网约车|司机|货车|快递|平台|跑单|接单|送单|派送|订单|每单|单价|配送费|补贴|站长|站点|头盔|工资|工钱|薪|报酬|罚款|扣|封号|劳动|合同|仲裁|维权|投诉|举报|监察|调解|加班|休息|休假|年假|产假|婚假|病假|怀孕|哺乳|试用期|辞退|开除|裁员|解雇|离职|辞职|补偿|违约金|竞业|算法|派单|抽成|赔|法律|律师|援助|法援|权益|受伤|摔|撞|车祸|伤残|单位|公司|老板|厂|用工|上班|工作|美团|饿了么|饿了吗|滴滴|货拉拉|闪送|达达|顺丰|京东|曹操|快狗|满帮|指引|协议|规定|规程|意见稿|征求意见|文号|细则|条例|人社|人力资源|社会保障|报案|同城|跑腿|小哥|歧视|招聘|招工|招(?!呼)|录用|户口|就业|工亡|因工|包工头|工头|工地|辞工|欠薪|扩围|扩面|试点|补助金|抚恤|丧葬|职业病|尘肺|参保|仓库|分拣|体检|乙肝|携带者|性别|12351|12333|12348/;

/** Common slips of the pinyin keyboard, and dialect words, rewritten to the plain form the rules use. */
const REWRITES: [RegExp, string][] = [
  [/入个会|入了会/g, '入会'],
  [/维个权|维下权|维一下权/g, '维权'],
  [/干嘛|干啥|弄啥/g, '干什么'],
  [/进读|近度/g, '进度'],
  [/俺们|阿拉|咱们/g, '我们'],
  [/俺|偶|咱/g, '我'],
  [/咋样|点样/g, '怎么样'],
  [/咋个|啷个/g, '怎么'],
  [/咋/g, '怎么'],
  [/啥子|啥|么子|咩/g, '什么'],
  [/遭(车|人|狗|东西)/g, '被$1'],
  [/冇/g, '没有'],
  [/伐$/g, '吗'],
];

/** Sounds and punctuation that carry no request: 嗯、啊、哈 at either end, emoji, symbols. */
const FILLER_EDGES = /^(嗯+|啊+|哈+|呃+|额+|哦+|噢+|唉+|哎呀|哎+|诶+|欸+|那个|喂+|呐)+|(呀|啊+|嘛|啦|呢|哦|喔|哈+|呗|咯|捏|哇)+$/g;
const NOISE = /[\s\p{P}\p{S}\p{Extended_Pictographic}\u200d\ufe0f]+/gu;

/** The folded, rewritten text the rules match: no spaces, punctuation, emoji or filler sounds. */
export function normaliseForIntent(text: string): string {
  let t = fixSlips(fold(text)).replace(NOISE, '');
  for (const [re, to] of REWRITES) t = t.replace(re, to);
  let prev;
  do {
    prev = t;
    t = t.replace(FILLER_EDGES, '');
  } while (t !== prev && t);
  return t;
}

const GREETING =
  /^(你好|您好|hi|hello|hey|哈喽|嗨|在吗|在不在|在么|早上好|上午好|中午好|下午好|晚上好|早安|晚安|早|有人吗|有人在吗|谢谢你?|谢了|多谢|感谢|thx|thanks|3q|收到|好的|好嘞|好滴|好哒|好吧|行|可以|ok|okay|嗯+|嗯呢|哈+|呵+|嘿+|嘻+|再见|拜拜|88|明白了?|了解|知道了|晓得了|懂了|辛苦了|大家好|你们好|老师好)+(吃了(吗|没)?|我(是)?新来的|新人(报到)?|请多关照|多多关照)?$/;
/** 👍 👌 🙏 alone: thanks or OK, as a greeting. */
const ACK = /^[\s👍👌🙏🤝✌️💪]+$/u;
const LAUGHTER = /^[\s哈呵嘿嘻嗯哦~～。!！]+$/;

const HELP =
  /^(帮助|help|菜单|功能|使用说明|说明|用法|\/help|\/start|start|\?|？)$|你(能|会|可以|都能|都会|还能)(帮我)?(做|干|帮|办)?(点|些)?(什么|哪些)|^(你)?(能|会|可以)(做|干|帮我?干?)(点|些)?什么$|^(怎么|如何)(使用|用)(你|这个|助手)?$|^(功能|菜单|帮助|说明)(介绍|说明|列表)?(在哪|在哪里|在哪儿|是什么|有哪些)?$|(怎么|如何)(使)?用你|助手(怎么|如何)用|(^|你们?|助手|机器人|这个)有(什么|哪些)(功能|服务)|你是(谁|干什么的|做什么的)|功能(列表|清单|介绍)|使用(指南|方法|教程)|(怎么|如何)(向|跟|问)你(提问|问问题|问)|(能|可以)问你(什么|哪些)|(你们?|助手|机器人)(都)?(能|会|可以)(提供|查|办|帮)(点|些)?(什么|哪些)|^(我)?(第一次用|刚来|新来的|不会用)|不知道(怎么|如何)(用|使用|操作)(你|这个|助手)?$|^教(教)?我(怎么用|用)?$|(你|这个|这玩意儿?)(是)?(搞|干|做)什么(的|用的)|(怎么|如何)(跟|和)你(说话|聊天?|交流)|^(这玩意儿?|这个|你)(要)?(怎么|如何)(操作|用|使用|弄)$|(指令|命令|口令)(有哪些|是什么|列表|大全)|能听懂语音|^你(能|会|可以).{0,12}还是(只能|只会)/;

const WHAT_IS = /^(?!你|这|.*助手|.*机器人)[\p{L}\p{N}]{2,10}是(干什么|做什么|什么)(的|意思|用的)?$/u;

const TICKET = /(wq|rh)-?\d{8}-?\d{1,4}/;
const STATUS = [
  TICKET,
  /(查|看|问|查询|查看).{0,8}(进度|进展|状态|结果)/,
  /^(进度|进展)(如何|怎么样)?$|^查询$|^查一下$/,
  /(进展|进度)(如何|怎么样)/,
  /(投诉|申请|维权|案子|入会|审核|登记).{0,10}(怎么样了|到哪|哪一步|有结果|结果了|结果出来|批了|批下来|通过了|还没消息|没消息|有消息|有回复|有回音|回复了|什么情况|有人管|处理了没|处理得怎么样|处理好了|还没批|没批|批没批|审核了)/,
  /(投诉|申请|维权|案子|入会).{0,4}(进度|进展|状态)/,
  /(投诉|申请|反映|维权|案子|登记|那个事|的事|问题).{0,12}(还没(有)?人?(回复|联系|回音|消息|动静|处理|管)|没人(回复|联系|理|管)|处理好了吗|处理了吗|处理完了吗|有结果了吗|怎么样了)/,
  /(怎么|为什么|为何)还没(有)?人?(回复|联系|处理|消息|动静).{0,12}(投诉|申请|反映|登记)/,
  /(入会|申请|投诉|维权|那个事|的事).{0,8}(办好了吗|办好没|办了没|通过没|通过了吗|批了吗|过了没|过了吗|处理完没有?|处理完了没|处理完了吗|受理了没|受理了吗|结果呢|有结果没|有结果吗)/,
  /(投诉|申请|维权|登记).{0,12}结果$/,
  /我(那个|的)事(呢|怎么样了|办得怎么样了?)?$|上次(说|讲)?(要)?(帮我|给我).{0,12}(了吗|了没|没有)$/,
  /查询?.{0,6}(我的|我那个)?.{0,4}(申请|投诉|维权|案子)/,
];

/** Words that make a question general ("how does it usually go"), not about one's own case. */
const GENERAL = /一般|通常|正常(情况)?|平均/;

const HURT =
  '(中暑|热晕|晕倒|侧翻|翻车|摔|撞|受伤|摔伤|撞伤|扭伤|砸伤|夹伤|割伤|烫伤|碰伤|擦伤|划伤|伤到|伤了|骨折|车祸|事故|追尾|刮倒|撞倒|咬|闪|扭|崴|流血|工伤|出事|砸|割|烫|压|夹|扎|磕)';
const HURT_WORD = new RegExp(HURT);
const INJURY = [
  new RegExp(`(我|刚|刚才|今天|昨天|前天|早上|晚上|中午|送|跑单|接单|骑|开车|拉货|搬|老公|老婆|媳妇|兄弟|同事|家人|人|腰|脚|手|腿).{0,15}${HURT}.{0,3}了`),
  new RegExp(`^${HURT}(了|倒了|伤了)`),
  /(受伤|摔伤|撞伤|工伤|出车祸|出事故|摔|撞车)了?.{0,6}(怎么办|怎么弄|怎么报|怎么处理|找谁|管不管)/,
  /^(我)?(受伤|受了伤|摔伤|出车祸|出事故|被撞|被车撞)(了)?$/,
  /被.{0,12}(撞|刮|砸|咬|夹|打|追尾)(伤|倒)?了/,
  /(胳膊|腿|手|脚|腰|肋骨|骨头|手指|脚踝|膝盖|头)(摔)?(断了|骨折|肿了|流血|出血|破了)/,
  /翻(车|沟)|撞(车|人)了/,
  /(腿|手|脚|腰|头|胳膊|背|脖子|胸口|肚子).{0,4}(很|好|特别|巨|有点)?(疼|痛)/,
  /(摔|撞|刮|绊|滑)(倒|伤|了一跤|了一下)/,
  /(出了?|发生了?|遇到了?)(车祸|事故|意外)/,
  /(砸|割|烫|压|夹|扎|磕|撞|碰|扭|闪|崴)(到|伤|破)(了)?(我的?)?(手|脚|腿|头|腰|胳膊|手指|脚趾|膝盖|背|脖子)/,
];

/** "送外卖路上摔了算工伤吗": whether a kind of accident counts, asked with no sign it just happened to the writer. */
function generalInjuryQuestion(t: string): boolean {
  if (RECENT.test(t)) return false;
  // "要是出了事故新职伤赔不赔", "一般受伤了…能报多少": a case imagined or in general
  if (/要是|如果|万一|假如|假设/.test(t) || GENERAL.test(t)) return true;
  return /(算|算不算|属于|能不能算|能算|认不认|可以算)(是)?(工伤|职业伤害|新职伤)/.test(t) && !SOMEONE.test(t);
}

/** Signs an injury is real and recent: when, pain, hospital. */
const RECENT = /刚|今天|昨天|前天|早上|上午|中午|下午|晚上|上周|这周|疼|痛|医院|流血/;
/** Someone it happened to: the writer or their people. */
const SOMEONE = /我|老公|老婆|媳妇|儿子|女儿|爸|妈|兄弟|同事/;

const COMPLAINT_VERB = '(投诉|维权|举报|申诉|告状|起诉|讨个?说法|反映问题|反映一下|告(平台|他|它|站长|站点|公司|老板|美团|饿了么|滴滴|货拉拉|这个))';
const COMPLAINT = [
  new RegExp(`(要|想|准备|打算|帮我|给我|帮忙|替我|找工会|去)[^，,。？?]{0,4}${COMPLAINT_VERB}`),
  new RegExp(`(怎么|如何|去哪|哪里|在哪|到哪)(里|儿)?(可以|能|能够|才能)?${COMPLAINT_VERB}`),
  new RegExp(`^(我)?(要)?(登记)?${COMPLAINT_VERB}.{0,6}(怎么弄|怎么办理|怎么搞|怎么做|怎么登记)?$`),
  /^(我要)?(投诉|维权|登记投诉|申诉)$/,
  /(请|找|让|求)工会.{0,2}(帮帮?我|帮忙|出面|做主|撑腰)/,
  /(?<!能不能|可不可以|能否|会不会|可以|能)(帮帮?我|帮忙|求助|求求).{0,4}(讨|要|追)(回|薪|钱|工资|工钱)/,
];

/** "被封号了怎么办", "站长扣我工资找谁": what to do about a grievance is answered first, then a complaint is offered. */
const GRIEVANCE_QUESTION =
  /(封号|停单|冻结|扣[^，。]{0,4}(钱|工资|款|工钱|提成|分)|扣了|罚[^，。]{0,4}(钱|款)|罚了|拖欠|欠薪|克扣|不发工资|降单价|压单).{0,8}(怎么办|怎么弄|怎么处理|咋整|找谁|合理吗|合法吗|正常吗)/;

const COMPLAINT_QUESTION = /^(投诉|举报|维权|申诉)[^，。]{0,8}(吗|么)$/;

/** "投诉 网点扣我派费": a complaint stated outright, not a question about complaining. */
const COMPLAINT_LEAD = /^(我要|我想)?(投诉|举报)(一下)?.{4,}/;

const JOIN_WHAT = '(入会|入工会|(加入|参加|进|加)(我们|你们)?的?工会|工会会员|成为会员)';
const JOIN = [
  /工会.{0,2}(收不收|收|要不要|要)(我|我们)?(这样的|跑|开|送|干)/,
  new RegExp(`(要|想|申请|帮我|给我|报名|登记|打算|准备|可以|能不能|能否|能|怎么|怎样|如何|哪里|哪儿|在哪|去哪).{0,5}${JOIN_WHAT}`),
  /(工会|入会).{0,4}(怎么|如何)(加入|加|入|报名|弄|办|整|申请|办理)/,
  /工会.{0,3}(哪|哪里|在哪)(报名|加入|申请)/,
  new RegExp(`^(申请|报名|办理?)?${JOIN_WHAT}$`),
  /(想|要)(加入|参加)(你们|工会)$/,
];

/** A plain wish to join, said outright ("我也想加入进来", "我要入会"): wins over the complaint words around it. */
const JOIN_WISH =
  /(我|我们)(也)?(要|想|想要|打算|准备|申请)(加入|入会|入工会|参加工会)(?!新职伤|职业伤害|保险|社保|平台)|(都|也)(要|想)(加入|入会|入工会)|(我|我们)(也)?(要|想|想要)入(?![职股账户住院学门手])|(入会|入工会).{0,4}(在哪|哪里)(填|交|报名|登记)|加入(吧|进来)|(注册|成为|当)(成)?(工会)?会员/;
/** "兼职能入会吗", "入会要交钱吗": a question about joining (answered, with the flow offered), unless a wish is said too. */
const JOIN_QUESTION =
  /^(?!.*(我要|我想(?!问|了解|咨询|知道)|想要|帮我|给我|报名|怎么(加入|入|弄|操作|办|申请)|如何|在哪|哪里)).*((能|可以|能不能|可不可以|让不让|收不收|要不要|也能|还能)[^，。]{0,4}(入会|入工会|加入工会|参加工会)(吗|么|不|嘛|没|呀|$)|(入会|入工会|加入工会).{0,4}(要|需要|得|交|收)(不要)?.{0,3}(钱|费|会费|多少|材料|条件|什么)|(入会|入工会)(有|要)?(什么|哪些)(条件|要求|好处))/;

/** Sales, swaps and chain messages posted in worker groups: never a request for the assistant. */
const ADVERT = /出售|转让|收购|出二手|收二手|代购|打[一二三四五六七八九]折|包邮|有意者|(要的|有的|需要的)(私聊|联系)|转发.{0,6}(好运|平安|发财)/;

const OFF_TOPIC =
  /天气|下雨|吃什么|唱.{0,2}歌|比特币|虚拟币|数字货币|炒股|相亲|起名|几点了|今天几号|星期几|快递单号|查.{0,2}快递|物流信息|去哪.{0,2}玩|旅游|景点|下雪|笑话|作文|作业|股票|基金|彩票|双色球|开什么|菜谱|红烧|怎么做菜|电影|电视剧|综艺|唱歌|跳舞|算.?卦|算命|星座|运势|游戏|王者|上分|翻译|高铁|火车票|机票|减肥|恋爱|女朋友|男朋友|点.{0,2}外卖|订.{0,2}外卖|写.{0,2}诗|世界杯|演唱会|门票|八字|财运|烧烤|好吃|狗丢|寻狗|寻人|笑死|拼车回|修手机|手机屏/g;

const OFF_TOPIC_WORD = new RegExp(OFF_TOPIC.source);

const any = (res: RegExp[], t: string) => res.some((re) => re.test(t));

/** Rules over the normalised text, most specific first. */
export class RuleIntentClassifier implements LocalIntentClassifier {
  classify(text: string): Intent {
    return this.match(text) ?? 'qa';
  }

  /** The label a rule gives, or undefined when no rule fired (then it is a question, or the examples decide). */
  match(text: string): Intent | undefined {
    const raw = fold(text).trim();
    const t = normaliseForIntent(text);
    // "喂喂", "嗯嗯", "哈哈": only sounds, said to get attention or in reply
    if (!t) return raw && (LAUGHTER.test(raw) || /\p{L}/u.test(raw) || ACK.test(raw)) ? 'greeting' : 'out_of_scope';
    if (GREETING.test(t) || GREETING.test(raw.replace(NOISE, ''))) return 'greeting';
    if (HELP.test(t)) return 'help';
    // "12333是干嘛的", "工会是干什么的": what a thing is, not what the assistant does
    if (WHAT_IS.test(t)) return 'qa';
    // "投诉一般几天有回复" asks how the process goes, not where one's own case is
    if (any(STATUS, t)) return TICKET.test(t) || !GENERAL.test(t) ? 'complaint_status' : 'qa';
    if ((HURT_WORD.test(t) || any(INJURY, t)) && generalInjuryQuestion(t)) return 'qa';
    if (any(INJURY, t)) return 'injury';
    if (JOIN_WISH.test(t)) return 'join_union';
    // "投诉能匿名吗": a question about complaining, answered (the flow is offered)
    if (COMPLAINT_QUESTION.test(t)) return 'qa';
    if (any(COMPLAINT, t) || (COMPLAINT_LEAD.test(t) && !looksLikeQuestion(t))) return 'complaint';
    if (JOIN_QUESTION.test(t) || GRIEVANCE_QUESTION.test(t)) return 'qa';
    if (any(JOIN, t)) return 'join_union';
    if (ADVERT.test(t)) return 'out_of_scope';
    if (OFF_TOPIC_WORD.test(t) && !DOMAIN.test(t.replace(OFF_TOPIC, ''))) return 'out_of_scope';
    return undefined;
  }
}
