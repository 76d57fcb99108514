import { join } from 'node:path';
import type { Config } from './config.ts';
import { ask, type AskResult } from './core/ask.ts';
import { Assistant } from './core/assistant.ts';
import { Etiquette } from './core/etiquette.ts';
import { StaffChat } from './staff/chat.ts';
import { dayOf } from './lib/dates.ts';
import type { Clock } from './lib/types.ts';
import { loadHolidays } from './core/holidays.ts';
import { complaintForm, loadCategories, statusReplies } from './flows/complaint.ts';
import { injuryForm } from './flows/injury.ts';
import { joinUnionForm } from './flows/join-union.ts';
import { loadUnions } from './flows/unions.ts';
import { loadPilot } from './knowledge/pilot.ts';
import { RuleIntentClassifier, type IntentClassifier } from './core/intent.ts';
import { ExampleIntentClassifier, loadIntentExamples } from './core/intent-examples.ts';
import { KnowledgeBase } from './knowledge/base.ts';
import { configuredVectorStore } from './knowledge/configured.ts';
import { loadCoverageTexts } from './knowledge/coverage.ts';
import { loadEntitlements } from './knowledge/entitlements.ts';
import { createEmbeddings } from './knowledge/embed.ts';
import { loadWorkerQuestions } from './knowledge/worker-questions.ts';
import { loadLexicon } from './knowledge/lexicon.ts';
import { Tokenizer } from './knowledge/tokenize.ts';
import { LlmAnswerWriter } from './llm/answer.ts';
import { createChatClient } from './llm/client.ts';
import { LlmQuestionRewriter } from './llm/rewrite.ts';
import { LlmFieldExtractor } from './llm/extract.ts';
import { LlmIntentClassifier } from './llm/classify.ts';
import { sweepUploadTemp } from './console/upload.ts';
import { createLogger, type Logger } from './log.ts';
import { ROOT } from './paths.ts';
import { seedBuiltin } from './staff/kb.ts';
import { sqliteStoreOn } from './store/sqlite-store.ts';
import { openDatabase, SqliteKnowledgeStore } from './store/sqlite.ts';
import type { Store } from './store/store.ts';

/** Everything a command needs, built once from the config: the composition root. */
export interface App {
  config: Config;
  log: Logger;
  kb: KnowledgeBase;
  intents: IntentClassifier;
  /** Sessions, members, complaints, outbox, audit log, staff and console accounts: what conversations and staff share. */
  records: Store;
  assistant: Assistant;
  /** Staff commands in chat, and who the staff are (for alerts). */
  staff: StaffChat;
  clock: Clock;
  ask(question: string, opts?: { channel?: string }): Promise<AskResult>;
  /** The LLM answer writer, when LLM_BASE_URL is configured (its stats count fallbacks). */
  llm?: LlmAnswerWriter;
  /** The LLM intent classifier (= `intents`), when LLM_BASE_URL is configured (its stats count calls and fallbacks). */
  llmIntents?: LlmIntentClassifier;
  close(): void;
}

/** Channels whose adapters push outbox messages themselves (the others get them at the next message). */
export const PUSH_CHANNELS = new Set(['telegram', 'wechat']);

export async function openApp(config: Config, opts: { log?: Logger; seed?: boolean; clock?: Clock } = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.logLevel);
  // one connection for the knowledge store and the Store: one WAL writer, no lock between the two
  const db = openDatabase(join(config.dataDir, 'gongyou.db'));
  const store = new SqliteKnowledgeStore(db);
  const lexicon = loadLexicon(join(ROOT, 'knowledge/lexicon'));
  const tokenizer = new Tokenizer(lexicon);
  const { embeddings, id, weight } = await createEmbeddings(config, tokenizer);
  const pilot = loadPilot(join(ROOT, 'knowledge/tables/xinzhishang-pilot.yaml'));
  const kb = await KnowledgeBase.open({
    store,
    tokenizer,
    lexicon,
    embeddings,
    // the store is part of what the vectors were built with: switching stores rebuilds them
    embedderId: config.vectorStore === 'hnswlib' ? id : `${id}|${config.vectorStore}|${JSON.stringify(config.vectorStoreOptions)}`,
    // another LangChain vector store when VECTOR_STORE names one; hnswlib in the data dir otherwise
    vectorStore: config.vectorStore === 'hnswlib' ? undefined : await configuredVectorStore(config.vectorStore, config.vectorStoreOptions, embeddings),
    workerQuestions: loadWorkerQuestions([join(ROOT, 'knowledge/law-questions'), join(ROOT, 'knowledge/doc-questions')], join(config.dataDir, 'index/worker-questions.json')),
    vectorWeight: weight,
    tables: { pilot, entitlements: loadEntitlements(), coverage: loadCoverageTexts() },
    indexDir: join(config.dataDir, 'index'),
    log,
  });
  if (opts.seed !== false) {
    const seeded = await seedBuiltin(kb, ROOT, config.maxFileBytes);
    if (seeded) log.info({ docs: seeded.added, chunks: seeded.chunks }, 'built-in knowledge loaded');
  }
  const chat = createChatClient(config);
  const local = new ExampleIntentClassifier(new RuleIntentClassifier(), loadIntentExamples(join(ROOT, 'knowledge/intents/examples.jsonl')));
  // with a model, it is asked only about the messages the rules and examples are unsure of
  const llmIntents = chat ? new LlmIntentClassifier(local, chat, { log }) : undefined;
  const intents: IntentClassifier = llmIntents ?? local;
  const records = sqliteStoreOn(db);
  const calendar = loadHolidays();
  const clock = opts.clock ?? (() => new Date());
  const staff = new StaffChat({
    records,
    kb,
    staffIds: config.staffIds,
    uploadDir: join(config.dataDir, 'uploads'),
    maxFileBytes: config.maxFileBytes,
    log,
  });
  const writer = chat ? new LlmAnswerWriter(chat, { log, botName: config.botName }) : undefined;
  const etiquette = new Etiquette({ botName: config.botName, ...config.groups });
  const assistant = new Assistant({
    store: records,
    kb,
    classifier: intents,
    forms: {
      join_union: joinUnionForm({ store: records, pilot, unions: loadUnions(), calendar }),
      complaint: complaintForm({ pilot, categories: loadCategories(), calendar }),
      injury: injuryForm({ pilot }),
    },
    status: (incoming, text) => statusReplies(records, incoming, text, dayOf(clock())),
    clock,
    idleHours: config.sessionIdleHours,
    log,
    etiquette,
    staff,
    deliverOutbox: (channel) => !PUSH_CHANNELS.has(channel),
    writer,
    rewriter: chat ? new LlmQuestionRewriter(chat, { log }) : undefined,
    extractor: chat ? new LlmFieldExtractor(chat, { log }) : undefined,
  });
  // the gap list and question counts are kept GAP_RETENTION_DAYS, then deleted (checked daily)
  const purge = () => {
    if (!config.gapRetentionDays) return;
    const n = store.purgeQuestionLogs(new Date(clock().getTime() - config.gapRetentionDays * 86_400_000));
    if (n) log.info({ rows: n, days: config.gapRetentionDays }, 'old gaps and question counts deleted');
  };
  purge();
  sweepUploadTemp();
  const daily = setInterval(purge, 86_400_000);
  daily.unref();
  return {
    config,
    log,
    kb,
    intents,
    records,
    assistant,
    staff,
    clock,
    llm: writer,
    llmIntents,
    ask: (question, o) => ask(kb, intents, question, { now: clock(), ...o, writer }),
    close: () => {
      clearInterval(daily);
      void records.close();
      store.close();
    },
  };
}
