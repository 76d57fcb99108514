import { composeAnswer, type Source } from '../knowledge/answer.ts';
import type { KnowledgeBase } from '../knowledge/base.ts';
import { retrieve } from '../knowledge/retrieve.ts';
import type { AnswerWriter } from '../llm/answer.ts';
import type { Exchange, QuestionRewriter } from '../llm/rewrite.ts';
import { replies } from '../replies.ts';
import { DOMAIN, normaliseForIntent, type Intent, type IntentClassifier } from './intent.ts';

export interface AskResult {
  intent: Intent;
  answer: string;
  confident: boolean;
  sources: Source[];
  /** How the answer was written: 'extractive' (no model, or not tried), 'llm', or 'fallback' (the model failed). Not part of `ask --json`. */
  by?: 'extractive' | 'llm' | 'fallback';
  /** The standalone question a follow-up was rewritten into (set only when it was). Not part of `ask --json`. */
  question?: string;
}

export interface AskOptions {
  channel?: string;
  now?: Date;
  /** Writes the answer from the same passages (an LLM); without it the extractive answer is sent. */
  writer?: AnswerWriter;
  /** Rewrites a follow-up into a standalone question from `history` before retrieval (an LLM). */
  rewriter?: QuestionRewriter;
  /** The conversation so far (oldest first); used only with a rewriter. */
  history?: Exchange[];
  /**
   * Streams the writer's answer, checked sentence by sentence. If text was passed on and the result's
   * `by` is not 'llm', the caller replaces what it showed with `answer` (the extractive one).
   */
  onText?: (delta: string) => void;
}

/** One question, no session: what `gongyou ask` and the flows' side questions use. */
export async function ask(
  kb: KnowledgeBase,
  classifier: IntentClassifier,
  question: string,
  opts: AskOptions = {},
): Promise<AskResult> {
  const asked = question.trim();
  const q = asked && opts.rewriter && opts.history?.length ? (await opts.rewriter.rewrite(asked, opts.history)).trim() || asked : asked;
  if (!q) return { intent: 'qa', answer: replies.emptyQuestion, confident: false, sources: [] };
  let intent = await classifier.classify(q);
  if (intent === 'greeting') return { intent, answer: replies.greeting, confident: true, sources: [] };
  if (intent === 'help') return { intent, answer: replies.help, confident: true, sources: [] };
  if (intent === 'out_of_scope') return { intent, answer: replies.outOfScope(), confident: false, sources: [] };
  const extractive = composeAnswer(kb, await retrieve(kb, q));
  if (!extractive.confident) {
    if (intent === 'qa' && !DOMAIN.test(normaliseForIntent(q))) {
      intent = 'out_of_scope';
      return { intent, answer: replies.outOfScope(), confident: false, sources: [] };
    }
    kb.store.logGap(q, opts.channel ?? null, null, opts.now ?? new Date());
  }
  kb.store.logQuestion(extractive.confident ? 'answered' : 'not_sure', opts.channel ?? null, opts.now ?? new Date());
  const sources = extractive.sources;
  const rewritten = q !== asked ? { question: q } : {};
  if (!opts.writer) return { intent, answer: extractive.answer, confident: extractive.confident, sources, ...rewritten };
  const written =
    opts.onText && opts.writer.writeStream ? await opts.writer.writeStream(q, extractive, opts.onText) : await opts.writer.write(q, extractive);
  // the sources are the extractive answer's, whoever wrote the text
  return { intent, answer: written.answer, confident: extractive.confident, sources, by: written.by, ...rewritten };
}
