import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { AskResult } from '../core/ask.ts';
import { BadInput, print, withApp } from './common.ts';

/** `gongyou ask`: one question, or each line of stdin, answered with no session. */

async function* stdinLines(): AsyncGenerator<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) yield line;
}

/** The contract object of `ask --json`: these four keys, in this order, and these six for each source. */
const asJson = (r: AskResult) =>
  JSON.stringify({
    intent: r.intent,
    answer: r.answer,
    confident: r.confident,
    sources: r.sources.map((s) => ({ n: s.n, docId: s.docId, title: s.title, section: s.section, source: s.source, score: s.score })),
  });

export function addAskCommand(program: Command): void {
  program
    .command('ask')
    .description('问一个问题；不带问题时逐行回答标准输入里的每个问题')
    .argument('[question]', '问题')
    .option('--json', '输出 JSON')
    .action((question: string | undefined, opts: { json?: boolean }) =>
      withApp(async (app) => {
        const answer = async (q: string) => {
          const r = await app.ask(q, { channel: 'cli' });
          print(opts.json ? asJson(r) : `${r.answer}\n`);
        };
        if (question !== undefined) {
          if (!question.trim()) throw new BadInput('问题是空的。用法：gongyou ask "新职伤要自己交钱吗？"');
          return answer(question);
        }
        for await (const line of stdinLines()) if (line.trim()) await answer(line);
      }),
    );
}
