import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { ROOT } from '../paths.ts';
import type { ChatClient } from './client.ts';
import { forModel } from './privacy.ts';

/** One earlier exchange of the conversation: the worker's question and the answer's text (no sources list). */
export interface Exchange {
  q: string;
  a: string;
}

/** Makes a follow-up ("那兼职的呢？") a question that stands alone, from the conversation so far. */
export interface QuestionRewriter {
  rewrite(question: string, history: Exchange[]): Promise<string>;
}

/** Only short messages are treated as possible follow-ups; a long one says what it means. */
export const FOLLOW_UP_MAX_CHARS = 40;
const REWRITE_MAX_CHARS = 120;
/** What is kept of an earlier exchange for the rewriter. */
const KEEP_Q = 200;
const KEEP_A = 300;

/** What a session keeps of an answered question: masked, shortened, without the list of sources. */
export function remember(question: string, answer: string): Exchange {
  const body = answer.split(/\n\n来源[:：]/)[0]!;
  return { q: forModel(question).slice(0, KEEP_Q), a: forModel(body).slice(0, KEEP_A) };
}

let promptCache: string | undefined;
export function rewritePrompt(): string {
  return (promptCache ??= readFileSync(join(ROOT, 'prompts/llm-rewrite.md'), 'utf8'));
}

export class LlmQuestionRewriter implements QuestionRewriter {
  constructor(
    private readonly chat: ChatClient,
    private readonly opts: { log?: Logger } = {},
  ) {}

  async rewrite(question: string, history: Exchange[]): Promise<string> {
    if (!history.length || question.length > FOLLOW_UP_MAX_CHARS) return question;
    const past = history.map((h) => `工友：${forModel(h.q)}\n助手：${forModel(h.a)}`).join('\n');
    try {
      const raw = await this.chat.complete([
        { role: 'system', content: rewritePrompt() },
        { role: 'user', content: `【之前的对话】\n${past}\n【之前的对话结束】\n\n【追问】\n${forModel(question)}\n【追问结束】` },
      ]);
      const line = raw
        .replace(/<think>[\s\S]*?<\/think>/g, '')
        .trim()
        .split('\n')[0]!
        .replace(/^(改写后的问题|问题)[:：]\s*/, '')
        .replace(/^["“「]|["”」]$/g, '')
        .trim();
      // a rewrite that is empty, rambling or carries a placeholder is not used
      if (!line || line.length > REWRITE_MAX_CHARS || line.includes('[手机号]')) return question;
      return line;
    } catch (err) {
      this.opts.log?.warn({ err: err instanceof Error ? err.message : undefined }, 'LLM rewrite failed; question used as asked');
      return question;
    }
  }
}
