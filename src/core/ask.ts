import { composeAnswer, type Source } from '../knowledge/answer.ts';
import type { KnowledgeBase } from '../knowledge/base.ts';
import { retrieve } from '../knowledge/retrieve.ts';
import { replies } from '../replies.ts';
import { DOMAIN, type Intent, type IntentClassifier } from './intent.ts';

export interface AskResult {
  intent: Intent;
  answer: string;
  confident: boolean;
  sources: Source[];
}

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
  if (intent === 'out_of_scope') return { intent, answer: replies.outOfScope(), confident: false, sources: [] };
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
