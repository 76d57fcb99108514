import { composeAnswer, type Source } from '../knowledge/answer.ts';
import type { KnowledgeBase } from '../knowledge/base.ts';
import { retrieve } from '../knowledge/retrieve.ts';
import { replies } from '../replies.ts';
import type { Intent, IntentClassifier } from './intent.ts';

export interface AskResult {
  intent: Intent;
  answer: string;
  confident: boolean;
  sources: Source[];
}

/** Words that show a question is about our field even when the knowledge base has no answer. */
const DOMAIN = /工会|入会|新职伤|职业伤害|工伤|保险|社保|骑手|外卖|配送|网约车|司机|货车|快递|平台|工资|报酬|罚款|扣|封号|劳动|合同|仲裁|维权|投诉|加班|休息|算法|派单|赔|法律|律师|援助|12351|12333|12348/;

/** One question, no session: what `gongyou ask` and the flows' side questions use. */
export async function ask(
  kb: KnowledgeBase,
  classifier: IntentClassifier,
  question: string,
  opts: { channel?: string; now?: Date } = {},
): Promise<AskResult> {
  const q = question.trim();
  if (!q) return { intent: 'qa', answer: replies.emptyQuestion, confident: false, sources: [] };
  let intent = classifier.classify(q);
  if (intent === 'greeting') return { intent, answer: replies.greeting, confident: true, sources: [] };
  if (intent === 'help') return { intent, answer: replies.help, confident: true, sources: [] };
  const result = composeAnswer(kb, await retrieve(kb, q));
  if (!result.confident) {
    if (intent === 'qa' && !DOMAIN.test(q)) {
      intent = 'out_of_scope';
      return { intent, answer: replies.outOfScope(), confident: false, sources: [] };
    }
    kb.store.logGap(q, opts.channel ?? null, null, opts.now ?? new Date());
  }
  return { intent, answer: result.answer, confident: result.confident, sources: result.sources };
}
