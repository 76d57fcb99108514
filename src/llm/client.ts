import type { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../config.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What the answer writer needs from a chat model: one completion, bounded in time. */
export interface ChatClient {
  /** `timeoutMs` shortens the configured time limit for this call (never lengthens it). */
  complete(messages: ChatMessage[], opts?: { timeoutMs?: number }): Promise<string>;
  /** The completion piece by piece; the whole stream ends within the timeout too. */
  stream?(messages: ChatMessage[]): AsyncIterable<string>;
}

export class LlmTimeout extends Error {
  constructor(ms: number) {
    super(`LLM did not answer within ${ms} ms`);
  }
}

/**
 * Any OpenAI-compatible chat endpoint through LangChain's ChatOpenAI. The SDK is imported on first
 * use (it costs start-up time otherwise). Every call ends within `timeoutMs`: the request is aborted
 * and the promise rejects, whatever the server does.
 */
export class OpenAICompatibleChat implements ChatClient {
  private model?: Promise<ChatOpenAI>;

  constructor(private readonly cfg: NonNullable<Config['llm']>) {}

  private chat(): Promise<ChatOpenAI> {
    const { baseURL, model, apiKey, timeoutMs } = this.cfg;
    return (this.model ??= import('@langchain/openai').then(
      ({ ChatOpenAI }) =>
        new ChatOpenAI({
          model,
          // Ollama and other local servers take any key; the SDK insists on one.
          apiKey: apiKey || 'none',
          configuration: { baseURL },
          timeout: timeoutMs,
          maxRetries: 0,
          temperature: 0.2,
          useResponsesApi: false,
        }),
    ));
  }

  async complete(messages: ChatMessage[], opts: { timeoutMs?: number } = {}): Promise<string> {
    const model = await this.chat();
    const ms = Math.min(this.cfg.timeoutMs, opts.timeoutMs ?? Infinity);
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new LlmTimeout(ms));
      }, ms);
    });
    try {
      const res = await Promise.race([
        model.invoke(toLangChain(messages), { signal: ac.signal }),
        timeout,
      ]);
      return res.text;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The same request, streamed: text deltas as they come; the whole stream ends within the timeout. */
  async *stream(messages: ChatMessage[]): AsyncGenerator<string> {
    const model = await this.chat();
    const ms = this.cfg.timeoutMs;
    const ac = new AbortController();
    const deadline = Date.now() + ms;
    try {
      const stream = await within(
        model.stream(toLangChain(messages), { signal: ac.signal }),
        deadline,
        ms,
      );
      const it = stream[Symbol.asyncIterator]();
      for (;;) {
        const next = await within(it.next(), deadline, ms);
        if (next.done) return;
        const text = next.value.text;
        if (text) yield text;
      }
    } finally {
      ac.abort();
    }
  }
}

const toLangChain = (messages: ChatMessage[]) =>
  messages.map((m) => [m.role === 'assistant' ? 'ai' : m.role, m.content] as [string, string]);

/** `p`, or an LlmTimeout at `deadline`. */
async function within<T>(p: Promise<T>, deadline: number, ms: number): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0) throw new LlmTimeout(ms);
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new LlmTimeout(ms)), left)))]);
  } finally {
    clearTimeout(t);
  }
}

export function createChatClient(config: Config): ChatClient | undefined {
  return config.llm ? new OpenAICompatibleChat(config.llm) : undefined;
}
