import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { citation, withSources, type Answer } from '../knowledge/answer.ts';
import type { Logger } from '../log.ts';
import { ROOT } from '../paths.ts';
import { replies } from '../lib/texts.ts';
import { allowedNumbers, checkAnswer, MAX_ANSWER_CHARS, unknownNumbers } from './check.ts';
import type { ChatClient } from './client.ts';
import { forModel, mobilesHidden } from './privacy.ts';

/** Characters of one passage the model sees. */
const PASSAGE_CHARS = 900;

/** Turns the extractive answer into the final one; ask() calls it when one is configured. */
export interface AnswerWriter {
  write(question: string, extractive: Answer): Promise<WrittenAnswer>;
  /**
   * The same, streamed: `onText` gets the answer sentence by sentence, each one checked before it
   * is passed on. When the result is not 'llm' after some text was passed on, the caller replaces
   * what it showed with the returned (extractive) answer.
   */
  writeStream?(question: string, extractive: Answer, onText: (delta: string) => void): Promise<WrittenAnswer>;
}

export interface WrittenAnswer extends Answer {
  /** How the answer was made: by the model, the extractive composer after the model failed, or without trying. */
  by: 'llm' | 'fallback' | 'extractive';
}

export interface LlmStats {
  /** Answers the model was asked to write. */
  tried: number;
  /** Of those, answers that fell back to the extractive one (error, timeout, failed check). */
  fellBack: number;
}

let promptCache: string | undefined;
export function answerPrompt(botName = '工友助手'): string {
  promptCache ??= readFileSync(join(ROOT, 'prompts/llm-answer.md'), 'utf8');
  return promptCache.replaceAll('{botName}', botName);
}

/** The user message: numbered passages, then the question, fenced so that neither reads as rules. */
export function answerMessage(question: string, passages: { title: string; text: string }[]): string {
  const blocks = passages.map((p, i) => `[${i + 1}] ${p.title}\n${p.text}`).join('\n\n');
  return `【资料】\n${blocks}\n【资料结束】\n\n【问题】\n${question}\n【问题结束】\n\n请只根据上面的资料回答【问题】，并用 [编号] 标出依据。`;
}

/**
 * Writes the answer with a chat model from the passages the extractive answer cites, checks it,
 * and falls back to the extractive answer on any failure. Curated FAQ answers and "not sure"
 * replies are returned as they are.
 */
export class LlmAnswerWriter implements AnswerWriter {
  readonly stats: LlmStats = { tried: 0, fellBack: 0 };

  constructor(
    private readonly chat: ChatClient,
    private readonly opts: { log?: Logger; botName?: string; maxChars?: number } = {},
  ) {}

  /** What the model is sent and what its text is checked against; undefined when it is not asked. */
  private prepare(question: string, extractive: Answer) {
    const passages = extractive.passages ?? [];
    if (extractive.kind !== 'passages' || !passages.length || !extractive.sources.length) return undefined;
    const texts = passages.map((p) => p.chunk.text.trim().slice(0, PASSAGE_CHARS));
    const shown = texts.map(mobilesHidden);
    const masked = forModel(question);
    return {
      passages,
      masked,
      checkedAgainst: texts.map((t, i) => `${citation(passages[i]!)}\n${t}`),
      messages: [
        { role: 'system' as const, content: answerPrompt(this.opts.botName) },
        { role: 'user' as const, content: answerMessage(masked, passages.map((p, i) => ({ title: citation(p), text: shown[i]! }))) },
      ],
    };
  }

  private fallback(extractive: Answer, reason: string, err?: unknown): WrittenAnswer {
    this.stats.fellBack++;
    // never the question or the model's text: either may hold personal data
    this.opts.log?.warn({ reason, err: err instanceof Error ? err.message : undefined }, 'LLM answer not used; extractive answer sent');
    return { ...extractive, by: 'fallback' };
  }

  private final(extractive: Answer, text: string, passages: NonNullable<Answer['passages']>): WrittenAnswer {
    const answer = withSources(text, passages);
    return { ...extractive, answer: extractive.confident ? answer : replies.maybe(answer), by: 'llm' };
  }

  async write(question: string, extractive: Answer): Promise<WrittenAnswer> {
    const job = this.prepare(question, extractive);
    if (!job) return { ...extractive, by: 'extractive' };
    this.stats.tried++;
    let raw: string;
    try {
      raw = await this.chat.complete(job.messages);
    } catch (err) {
      return this.fallback(extractive, 'error', err);
    }
    const checked = checkAnswer(raw, job.checkedAgainst, job.masked, this.opts.maxChars ?? MAX_ANSWER_CHARS);
    if (!checked.ok) return this.fallback(extractive, checked.reason);
    return this.final(extractive, checked.text, job.passages);
  }

  async writeStream(question: string, extractive: Answer, onText: (delta: string) => void): Promise<WrittenAnswer> {
    if (!this.chat.stream) return this.write(question, extractive);
    const job = this.prepare(question, extractive);
    if (!job) return { ...extractive, by: 'extractive' };
    this.stats.tried++;
    const max = this.opts.maxChars ?? MAX_ANSWER_CHARS;
    const allowed = allowedNumbers(job.masked, ...job.checkedAgainst);
    let pending = '';
    let shown = '';
    let full = false;
    /** Passes on the complete sentences of `pending` that pass the checks; false when one fails. */
    const flush = (ended: boolean): boolean => {
      pending = pending.replace(/<think>[\s\S]*?<\/think>/g, '');
      if (/<think>/.test(pending) && !ended) return true;
      const sentence = /[^。！？；\n]*[。！？；\n](?:\s*\[\d{1,2}\])*/y;
      for (;;) {
        sentence.lastIndex = 0;
        const m = sentence.exec(pending);
        // a sentence is complete once something follows it (its [n] markers have all arrived)
        const piece = m && (m[0].length < pending.length || ended) ? m[0] : ended && pending.trim() ? pending : undefined;
        if (!piece) return true;
        pending = pending.slice(piece.length);
        if (/^\s*(来源|参考|出处|资料来源)[:：]/.test(piece)) {
          full = true;
          return true;
        }
        const cited = [...piece.matchAll(/\[(\d{1,2})\]/g)].map((x) => Number(x[1]));
        if (cited.some((n) => n < 1 || n > job.passages.length)) return false;
        if (unknownNumbers(piece, allowed).length) return false;
        if (shown.length + piece.length > max) {
          full = true;
          return true;
        }
        const delta = shown ? piece : piece.trimStart();
        shown += delta;
        if (delta) onText(delta);
      }
    };
    try {
      for await (const delta of this.chat.stream(job.messages)) {
        if (full) break;
        pending += delta;
        if (!flush(false)) return this.fallback(extractive, 'number or citation not in the passages');
      }
      if (!full && !flush(true)) return this.fallback(extractive, 'number or citation not in the passages');
    } catch (err) {
      return this.fallback(extractive, 'error', err);
    }
    // what was shown, checked as a whole: at least one citation, not empty
    const checked = checkAnswer(shown, job.checkedAgainst, job.masked, max);
    if (!checked.ok) return this.fallback(extractive, checked.reason);
    return this.final(extractive, checked.text, job.passages);
  }
}
