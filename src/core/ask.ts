import { answerQuestion, savedPage, type Source } from '../knowledge/answer.ts';
import type { KnowledgeBase } from '../knowledge/base.ts';
import { dayOf } from '../lib/dates.ts';
import type { AnswerWriter } from '../llm/answer.ts';
import type { Exchange, QuestionRewriter } from '../llm/rewrite.ts';
import { replies } from '../lib/texts.ts';
import { DOMAIN, normaliseForIntent, type Intent, type IntentClassifier } from './intent.ts';
import { looksLikeQuestion } from '../flows/fields.ts';
import { maskPersonal } from '../lib/privacy.ts';

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
  /**
   * The question's intent when the caller has classified it already (the engine's understand step),
   * so that it is not classified twice; a follow-up rewritten into a new question is classified anew.
   */
  intent?: Intent;
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
  let intent = opts.intent !== undefined && q === asked ? opts.intent : await classifier.classify(q);
  const domain = DOMAIN.test(normaliseForIntent(q));
  // "…法援站周六有人吗" is a question, not a hello
  if (intent === 'greeting' && domain && looksLikeQuestion(q)) intent = 'qa';
  if (intent === 'greeting') return { intent, answer: replies.greeting, confident: true, sources: [] };
  // "12351能干啥", "工会能帮我做什么": a question about our field, not about the assistant, when answered
  const extractive = intent === 'help' && !domain ? undefined : (await answerQuestion(kb, q, dayOf(opts.now ?? new Date()))).answer;
  // a question that names our field ("12351能干啥") is answered, not met with the assistant's menu
  if (!extractive || (intent === 'help' && !extractive.confident && !domain)) return { intent, answer: replies.help, confident: true, sources: [] };
  // a page staff saved that the question found ("吉林提意见的邮箱") makes it a question of our field
  const onSavedPage = extractive.kind === 'passages' && !!extractive.passages?.[0] && savedPage(extractive.passages[0]);
  if (!extractive.confident && !domain && !onSavedPage && (intent === 'qa' || intent === 'out_of_scope')) {
    return { intent: 'out_of_scope', answer: replies.outOfScope(), confident: false, sources: [] };
  }
  // what the classifier took for off-topic or for help is a question of our field: answered, or logged
  if (intent === 'out_of_scope' || intent === 'help') intent = 'qa';
  // the gap list is for staff to write answers from: no phone number, ID number or name goes into it
  if (!extractive.confident) kb.store.logGap(maskPersonal(q), opts.channel ?? null, null, opts.now ?? new Date());
  kb.store.logQuestion(extractive.confident ? 'answered' : 'not_sure', opts.channel ?? null, opts.now ?? new Date());
  const sources = extractive.sources;
  const rewritten = q !== asked ? { question: q } : {};
  if (!opts.writer) return { intent, answer: extractive.answer, confident: extractive.confident, sources, ...rewritten };
  const written =
    opts.onText && opts.writer.writeStream ? await opts.writer.writeStream(q, extractive, opts.onText) : await opts.writer.write(q, extractive);
  // the sources are the extractive answer's, whoever wrote the text
  return { intent, answer: written.answer, confident: extractive.confident, sources, by: written.by, ...rewritten };
}
