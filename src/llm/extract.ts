import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowContext, Form, FormData } from '../flows/form.ts';
import type { Logger } from '../log.ts';
import { ROOT } from '../paths.ts';
import type { ChatClient } from './client.ts';
import { forModel } from './privacy.ts';

/** Reads several answers of a form from one message. */
export interface FieldExtractor {
  extract(form: Form, message: string, ctx: FlowContext): Promise<FormData>;
}

const MOBILE = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/;
const MAX_VALUE_CHARS = 60;

let promptCache: string | undefined;
export function extractPrompt(): string {
  return (promptCache ??= readFileSync(join(ROOT, 'prompts/llm-extract.md'), 'utf8'));
}

/** The steps a model may fill: not consent, not the summary, not free text, asked in this form now. */
function fillable(form: Form) {
  return form.steps.filter((s) => !s.fixed && !s.confirm && !s.freeText && !s.choices?.some((c) => /同意|确认/.test(c)));
}

/** The first JSON object in a model's text (it may wrap it in ``` or words). */
function jsonObject(raw: string): Record<string, unknown> | undefined {
  const m = /\{[\s\S]*\}/.exec(raw.replace(/<think>[\s\S]*?<\/think>/g, ''));
  if (!m) return undefined;
  try {
    const v = JSON.parse(m[0]) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps what the model found only where it holds up: the value is words the worker actually wrote,
 * and the step's own normaliser and zod schema accept it, exactly as if it had been typed at that
 * step. The phone number is never the model's: it is read from the message here.
 */
export function validateFields(form: Form, found: Record<string, unknown>, message: string, ctx: FlowContext): FormData {
  const out: FormData = {};
  const seen = forModel(message).replace(/\s+/g, '');
  for (const step of fillable(form)) {
    let value: unknown;
    if (step.key === 'phone') {
      const m = MOBILE.exec(message);
      if (!m) continue;
      value = step.parse(m[0], ctx, out);
    } else {
      const raw = found[step.key];
      if (typeof raw !== 'string' && typeof raw !== 'number') continue;
      const said = String(raw).trim();
      if (!said || said.length > MAX_VALUE_CHARS || !seen.includes(said.replace(/\s+/g, ''))) continue;
      value = step.parse(said, ctx, out);
    }
    const ok = step.schema.safeParse(value);
    if (ok.success && ok.data !== undefined) out[step.key] = ok.data;
  }
  return out;
}

export class LlmFieldExtractor implements FieldExtractor {
  constructor(
    private readonly chat: ChatClient,
    private readonly opts: { log?: Logger } = {},
  ) {}

  async extract(form: Form, message: string, ctx: FlowContext): Promise<FormData> {
    const steps = fillable(form).filter((s) => s.key !== 'phone');
    if (!steps.length) return validateFields(form, {}, message, ctx);
    const fields = steps.map((s) => `- ${s.key}：${s.texts.label}`).join('\n');
    let found: Record<string, unknown> = {};
    try {
      const raw = await this.chat.complete([
        { role: 'system', content: extractPrompt() },
        { role: 'user', content: `【要填的项】\n${fields}\n\n【原话】\n${forModel(message)}\n【原话结束】` },
      ]);
      found = jsonObject(raw) ?? {};
    } catch (err) {
      this.opts.log?.warn({ err: err instanceof Error ? err.message : undefined }, 'LLM extraction failed');
    }
    return validateFields(form, found, message, ctx);
  }
}
