import { fold } from '../knowledge/text.ts';

export const INTENTS = ['qa', 'join_union', 'complaint', 'complaint_status', 'injury', 'greeting', 'help', 'out_of_scope'] as const;
export type Intent = (typeof INTENTS)[number];

/** Anything that can say what a message wants: rules now, an LLM classifier later. */
export interface IntentClassifier {
  classify(text: string): Intent;
}

const RULES: [Intent, RegExp][] = [
  ['complaint_status', /wq-?\d{8}-?\d{3,4}|(查询?|看看?|问问?).{0,6}(进度|状态|结果|处理得?怎么样)|投诉.{0,6}(怎么样了|到哪|有结果|进度)/],
  ['greeting', /^(你好|您好|hi|hello|哈喽|嗨|在吗|在不在|早上好|晚上好|下午好|有人吗)[啊呀呢吗~!！。,，\s]*$/],
  ['help', /^(帮助|help|菜单|功能|\/help|\/start)$|你(能|会|可以)(做|干|帮)(什么|啥|哪些)|怎么用你|有什么功能/],
  ['join_union', /(我|俺)(要|想|打算|申请)(入会|加入工会|入工会|参加工会)|帮我(入会|加入工会)|^(入会|申请入会|报名入会|加入工会)$/],
  ['complaint', /(我|俺)(要|想)(投诉|维权|举报|反映问题)|帮我(投诉|维权)|^(投诉|维权|我要投诉)$/],
  ['injury', /(我|俺|刚|今天|昨天|刚才|跑单|送单|送餐|送货|接单).{0,12}(摔|撞|受伤|出车祸|骨折|被.{0,4}撞|伤到|扭伤|流血)/],
];

export class RuleIntentClassifier implements IntentClassifier {
  classify(text: string): Intent {
    const t = fold(text).replace(/\s+/g, ' ').trim();
    for (const [intent, re] of RULES) if (re.test(t)) return intent;
    return 'qa';
  }
}
