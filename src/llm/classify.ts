import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTENTS, type Intent, type IntentClassifier, type IntentJudgement, type LocalIntentClassifier } from '../lib/intents.ts';
import type { Logger } from '../log.ts';
import { ROOT } from '../paths.ts';
import type { ChatClient } from './client.ts';
import { forModel } from './privacy.ts';

/** The local classifier, able to say how it reached its label (ExampleIntentClassifier). */
export interface JudgingClassifier extends LocalIntentClassifier {
  judge(text: string): IntentJudgement;
}

export interface IntentStats {
  /** Messages classified. */
  classified: number;
  /** Of those, messages the model was asked about (repeats within a minute are asked once). */
  asked: number;
  /** Of those asked, the model's label was not used (error, timeout, not a label): the local one was. */
  fellBack: number;
}

/**
 * The example vote is trusted when the nearest example is at least this similar and the winner has
 * at least this share of the vote. Chosen leave-one-out on the labelled examples: above both, the
 * vote was right every time; below either (or with no vote at all) about one in four was wrong.
 */
const SURE_NEAREST = 0.4;
const SURE_SHARE = 0.7;
/** What of a message the model sees: enough to tell what it wants. */
const MAX_CHARS = 300;
/** The same message sent again soon (a retry, a worker repeating it) is not asked twice. */
const REMEMBER_MS = 60_000;
/**
 * The label is asked before the answer is written, so a slow model must not hold the worker up:
 * past this the local label is used (the answer itself keeps LLM_TIMEOUT_MS).
 */
const INTENT_TIMEOUT_MS = 4000;
const REMEMBER_MAX = 200;

/** A rule that fired is sure; the default 'qa' is not; an example vote only when it is close and clear. */
export function isUnsure(j: IntentJudgement): boolean {
  if (j.by === 'rules') return false;
  if (j.by === 'default') return true;
  return (j.nearest ?? 0) < SURE_NEAREST || (j.share ?? 0) < SURE_SHARE;
}

/** The model's label, or undefined when its text is anything but one label (a quote or full stop around it is tolerated). */
export function parseIntentLabel(raw: string): Intent | undefined {
  const t = raw
    .replace(/<think>[\s\S]*?<\/think>/g, '')
    .trim()
    .replace(/^[`"'“「]+|[`"'”」。.]+$/g, '')
    .trim()
    .toLowerCase();
  return (INTENTS as readonly string[]).includes(t) ? (t as Intent) : undefined;
}

let promptCache: string | undefined;
export function intentPrompt(): string {
  return (promptCache ??= readFileSync(join(ROOT, 'prompts/llm-intent.md'), 'utf8'));
}

/** The user message: the worker's words, masked and fenced, so that nothing in them reads as rules. */
export function intentMessage(text: string): string {
  const said = forModel(text).slice(0, MAX_CHARS).replace(/【/g, '[').replace(/】/g, ']');
  return `【消息】\n${said}\n【消息结束】\n\n这条消息属于哪个标签？只输出标签。`;
}

/**
 * The rules and the labelled examples first; only when they are unsure is the model asked to pick
 * one of the eight labels. Its answer is used only if it is exactly a label: anything else, an error
 * or a timeout gives the local label. A sure local label is returned at once (no promise).
 */
export class LlmIntentClassifier implements IntentClassifier {
  readonly stats: IntentStats = { classified: 0, asked: 0, fellBack: 0 };
  private readonly recent = new Map<string, { at: number; label: Promise<Intent> }>();

  constructor(
    private readonly local: JudgingClassifier,
    private readonly chat: ChatClient,
    private readonly opts: { log?: Logger; now?: () => number; timeoutMs?: number } = {},
  ) {}

  classify(text: string): Intent | Promise<Intent> {
    this.stats.classified++;
    const judged = this.local.judge(text);
    if (!isUnsure(judged)) return judged.intent;
    const key = text.trim();
    const now = (this.opts.now ?? Date.now)();
    const seen = this.recent.get(key);
    if (seen && now - seen.at <= REMEMBER_MS) return seen.label;
    const label = this.ask(text, judged.intent);
    this.recent.delete(key);
    this.recent.set(key, { at: now, label });
    if (this.recent.size > REMEMBER_MAX) this.recent.delete(this.recent.keys().next().value!);
    return label;
  }

  private async ask(text: string, local: Intent): Promise<Intent> {
    this.stats.asked++;
    try {
      const raw = await this.chat.complete([
        { role: 'system', content: intentPrompt() },
        { role: 'user', content: intentMessage(text) },
      ], { timeoutMs: this.opts.timeoutMs ?? INTENT_TIMEOUT_MS });
      const label = parseIntentLabel(raw);
      if (label) return label;
      this.stats.fellBack++;
      this.opts.log?.warn({ chars: raw.length }, 'LLM intent was not a label; local intent used');
    } catch (err) {
      this.stats.fellBack++;
      this.opts.log?.warn({ err: err instanceof Error ? err.message : undefined }, 'LLM intent failed; local intent used');
    }
    return local;
  }
}
