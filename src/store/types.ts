import type { Attachment } from '../lib/types.ts';

/** Records the knowledge base keeps. Documents are the source of truth; indexes derive from them. */

export type Category = '新职伤' | '工会' | '平台规则' | '维权' | '法律法规' | '其他';
export const CATEGORIES: Category[] = ['新职伤', '工会', '平台规则', '维权', '法律法规', '其他'];

export interface DocumentRecord {
  id: string;
  /** The file path as given to `kb add`, or `knowledge/...` for the built-in documents. */
  source: string;
  title: string;
  category: Category;
  kind: 'doc' | 'faq' | 'law';
  region: string | null;
  effective: string | null;
  updated: string | null;
  /** Version date of a law (from its file name), used to rank a later version above an earlier one. */
  version: string | null;
  format: string;
  sha256: string;
  bytes: number;
  status: 'active' | 'disabled';
  meta: Record<string, unknown>;
  addedAt: string;
  changedAt: string;
  chunkCount?: number;
}

export interface FaqEntry {
  question: string;
  variants: string[];
  /** Title of the document the curated answer rests on. */
  basis?: string;
}

export interface ChunkRecord {
  id: number;
  docId: string;
  ord: number;
  /** "第十七条", or the heading of the section. */
  section: string | null;
  /** title › chapter › article: what a citation shows. */
  path: string[];
  text: string;
  faq?: FaqEntry;
}

export type NewChunk = Omit<ChunkRecord, 'id' | 'docId'>;

export interface NewDocument {
  doc: Omit<DocumentRecord, 'id' | 'addedAt' | 'changedAt' | 'status' | 'chunkCount'>;
  original: Buffer;
  text: string;
  chunks: NewChunk[];
}

/** The metadata staff may change from the console or `kb edit`. */
export type DocumentFields = Pick<DocumentRecord, 'title' | 'category' | 'region' | 'effective' | 'version'>;
export const DOCUMENT_FIELDS = ['title', 'category', 'region', 'effective', 'version'] as const;

/** Who stored a version, and why. */
export interface VersionOrigin {
  actor?: string | null;
  reason?: 'added' | 'replaced' | 'rollback';
  /** For a rollback: the version made current again. */
  rollbackOf?: number;
}

/** One version of a document: what it was, who stored it and when. */
export interface VersionRecord {
  docId: string;
  /** 1, 2, 3 … per document. */
  n: number;
  at: string;
  actor: string | null;
  /** 'existing' for documents stored before versions were kept. */
  reason: 'added' | 'replaced' | 'rollback' | 'existing';
  rollbackOf: number | null;
  title: string;
  category: Category;
  kind: DocumentRecord['kind'];
  region: string | null;
  effective: string | null;
  updated: string | null;
  version: string | null;
  format: string;
  sha256: string;
  bytes: number;
  chunks: number;
  meta: Record<string, unknown>;
  current: boolean;
}

/** How a question went: answered with sources, or the "not sure" reply. */
export type QuestionOutcome = 'answered' | 'not_sure';

export interface GapRecord {
  id: number;
  question: string;
  askedAt: string;
  channel: string | null;
  bestScore: number | null;
}

/** Storage behind one interface, so a PostgreSQL store can later serve several processes. */
export interface KnowledgeStore {
  /** Bumped by every change to documents: index files record the version they were built from. */
  kbVersion(): number;
  getDocument(id: string): DocumentRecord | undefined;
  getDocumentBySource(source: string): DocumentRecord | undefined;
  listDocuments(): DocumentRecord[];
  documentText(id: string): { text: string; original: Buffer } | undefined;
  /**
   * Inserts or replaces (same source) a document with its chunks, atomically, and records it as a new
   * version (the replaced original is kept with the previous version). Returns old chunk ids.
   */
  putDocument(input: NewDocument, now: Date, origin?: VersionOrigin): { doc: DocumentRecord; chunks: ChunkRecord[]; replacedChunkIds: number[] };
  /** Changes a document's metadata (and the title in its chunks' paths); the content stays. */
  updateDocumentFields(id: string, fields: DocumentFields, meta: Record<string, unknown>, now: Date): { doc: DocumentRecord; chunks: ChunkRecord[] } | undefined;
  /** The versions of a document, newest first (no contents). */
  documentVersions(id: string): VersionRecord[];
  /** One version with its original and text (from the document itself for the current one). */
  documentVersion(id: string, n: number): (VersionRecord & { original: Buffer; text: string }) | undefined;
  removeDocument(id: string): number[] | undefined;
  setDocumentStatus(id: string, status: DocumentRecord['status']): boolean;
  chunksByIds(ids: number[]): ChunkRecord[];
  chunksOfDocument(docId: string): ChunkRecord[];
  /** The chunk of a document with this section ("第十七条"), if any. */
  chunkBySection(docId: string, section: string): ChunkRecord | undefined;
  eachChunk(): Iterable<ChunkRecord>;
  /** [chunk id, document id] of every chunk, without reading texts: what opening the indexes needs. */
  chunkDocIds(): Iterable<[number, string]>;
  /** The chunks of FAQ documents (curated questions), by id. */
  faqChunks(): ChunkRecord[];
  chunkCount(): number;
  logGap(question: string, channel: string | null, bestScore: number | null, now: Date): void;
  listGaps(limit?: number): GapRecord[];
  /** Deletes the gaps and question counts from before `before`; returns how many rows went. */
  purgeQuestionLogs(before: Date): number;
  /** One row per question: the China day, the channel and the outcome (no text, no user). */
  logQuestion(outcome: QuestionOutcome, channel: string | null, now: Date): void;
  /** Questions per day from `fromDay` (China days, "YYYY-MM-DD"), by outcome. */
  questionsPerDay(fromDay: string): { day: string; answered: number; notSure: number }[];
  /** Every row of the question log, oldest first: what logQuestion kept. */
  questionOutcomes(): { day: string; channel: string | null; outcome: QuestionOutcome }[];
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  /** Forgets a meta key (nothing happens when it is not there). */
  removeMeta(key: string): void;
  close(): void;
}

/* ---- Conversation records: what conversations and staff actions share ---- */

/** One conversation's state, keyed by channel + chat + user, kept as JSON so flows can evolve. */
export interface SessionRecord<S = unknown> {
  key: string;
  state: S;
  updatedAt: string;
}

export const sessionKey = (channel: string, chatId: string, userId: string) => JSON.stringify([channel, chatId, userId]);

/** Where the conversation that created a record took place: decisions are delivered there. */
export interface ChatAddress {
  channel: string;
  chatId: string;
  userId: string;
}

export const MEMBER_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface NewMember {
  name: string;
  phone: string;
  city: string;
  workType: string;
  platform: string;
  unionName: string;
}

/** A union application (入会). */
export interface MemberRecord extends NewMember, ChatAddress {
  id: string;
  status: MemberStatus;
  note: string | null;
  consentAt: string;
  createdAt: string;
  updatedAt: string;
}

export const COMPLAINT_STATUSES = ['已受理', '处理中', '已办结', '已转办'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export interface NewComplaint {
  category: string;
  platform: string;
  city: string;
  description: string;
  /** A date (YYYY-MM-DD) or the worker's own words ("上个月"). */
  happened: string;
  amount: number | null;
  evidence: string;
  phone: string;
  mayName: boolean;
  dueDate: string;
  attachments?: Attachment[];
}

/** A complaint (维权投诉). */
export interface ComplaintRecord extends Omit<NewComplaint, 'attachments'>, ChatAddress {
  ticket: string;
  status: ComplaintStatus;
  consentAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface ComplaintEvent {
  at: string;
  actor: string;
  status: ComplaintStatus;
  note: string | null;
}

/** A message for a worker that comes from outside the conversation (staff decisions, case updates). */
export interface OutboxMessage {
  id: number;
  channel: string;
  chatId: string;
  userId: string;
  text: string;
  createdAt: string;
  deliveredAt: string | null;
}

/** A chat identity (channel + user id) that may use the staff commands in chat. */
export interface StaffChatId {
  channel: string;
  userId: string;
  name: string | null;
  addedAt: string;
}

/** A staff console account. Passwords are stored only as hashes. */
export interface StaffAccount {
  name: string;
  passwordHash: string;
  mustChange: boolean;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A console session, known by the hash of its token. */
export interface ConsoleSession {
  tokenHash: string;
  name: string;
  csrf: string;
  createdAt: string;
  expiresAt: string;
  /** A line for the next page shown in this session (what the last change did). */
  flash?: { kind: 'ok' | 'error'; text: string } | null;
}

/** Recent failed sign-ins of one key ("addr:…" or "name:…"); times in ms since the epoch. */
export interface SignInThrottle {
  failures: number;
  blockedUntil: number;
  updatedAt: number;
}

/** Who did what to which record, for every staff action. Details hold ids and statuses, not personal data. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  /** ISO times: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}
