/** Ordered schema steps; SQLite's `user_version` records how many have run. Append, never edit. */
export const MIGRATIONS = [
  `CREATE TABLE documents (
     id TEXT PRIMARY KEY,
     source TEXT NOT NULL UNIQUE,
     title TEXT NOT NULL,
     category TEXT NOT NULL,
     kind TEXT NOT NULL,
     region TEXT, effective TEXT, updated TEXT, version TEXT,
     format TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     status TEXT NOT NULL DEFAULT 'active',
     meta TEXT NOT NULL DEFAULT '{}',
     original BLOB NOT NULL,
     text TEXT NOT NULL,
     added_at TEXT NOT NULL,
     changed_at TEXT NOT NULL
   );
   CREATE TABLE chunks (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
     ord INTEGER NOT NULL,
     section TEXT,
     path TEXT NOT NULL,
     text TEXT NOT NULL,
     faq TEXT
   );
   CREATE INDEX chunks_doc ON chunks(doc_id, ord);
   CREATE TABLE gaps (
     id INTEGER PRIMARY KEY,
     question TEXT NOT NULL,
     asked_at TEXT NOT NULL,
     channel TEXT,
     best_score REAL
   );
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

// 2: conversations — sessions, union applications, complaints with their events and attachments,
// messages waiting to reach a worker, the staff audit log, and per-day counters for record numbers.
MIGRATIONS.push(`CREATE TABLE sessions (
     key TEXT PRIMARY KEY,
     state TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE members (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     phone TEXT NOT NULL UNIQUE,
     city TEXT NOT NULL,
     work_type TEXT NOT NULL,
     platform TEXT NOT NULL,
     union_name TEXT NOT NULL,
     status TEXT NOT NULL,
     note TEXT,
     channel TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     consent_at TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX members_user ON members(channel, user_id);
   CREATE TABLE complaints (
     ticket TEXT PRIMARY KEY,
     category TEXT NOT NULL,
     platform TEXT NOT NULL,
     city TEXT NOT NULL,
     description TEXT NOT NULL,
     happened TEXT NOT NULL,
     amount REAL,
     evidence TEXT NOT NULL,
     phone TEXT NOT NULL,
     may_name INTEGER NOT NULL,
     status TEXT NOT NULL,
     due_date TEXT NOT NULL,
     channel TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     consent_at TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX complaints_user ON complaints(channel, user_id);
   CREATE TABLE complaint_events (
     id INTEGER PRIMARY KEY,
     ticket TEXT NOT NULL REFERENCES complaints(ticket),
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     status TEXT NOT NULL,
     note TEXT
   );
   CREATE INDEX complaint_events_ticket ON complaint_events(ticket, id);
   CREATE TABLE complaint_attachments (
     id INTEGER PRIMARY KEY,
     ticket TEXT NOT NULL REFERENCES complaints(ticket),
     kind TEXT NOT NULL,
     name TEXT,
     ref TEXT NOT NULL
   );
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY,
     channel TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     text TEXT NOT NULL,
     created_at TEXT NOT NULL,
     delivered_at TEXT
   );
   CREATE INDEX outbox_pending ON outbox(channel, chat_id, user_id) WHERE delivered_at IS NULL;
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     detail TEXT NOT NULL DEFAULT '{}'
   );
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`);

// 3: chat identities with staff rights (besides those named in the config), e.g. a Telegram user id.
MIGRATIONS.push(`CREATE TABLE staff_chat_ids (
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     name TEXT,
     added_at TEXT NOT NULL,
     PRIMARY KEY (channel, user_id)
   );`);

// 4: staff console — accounts (scrypt hashes, must change a one-time password), login failures
// (lockout, counted per name whether or not the account exists) and server-side sessions.
MIGRATIONS.push(`CREATE TABLE staff_accounts (
     name TEXT PRIMARY KEY,
     password_hash TEXT NOT NULL,
     must_change INTEGER NOT NULL DEFAULT 1,
     disabled INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE console_login_failures (
     name TEXT PRIMARY KEY,
     count INTEGER NOT NULL,
     locked_until TEXT
   );
   CREATE TABLE console_sessions (
     token_hash TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     csrf TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );`);

// 5: document versions — one row per version of a document (added, replaced by a changed file, or
// rolled back), with who and when. The original and text of the current version live in
// `documents`; a row keeps its own copy only once a newer version has replaced it. Existing
// documents start their history here as version 1.
MIGRATIONS.push(`CREATE TABLE document_versions (
     doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
     n INTEGER NOT NULL,
     at TEXT NOT NULL,
     actor TEXT,
     reason TEXT NOT NULL,
     rollback_of INTEGER,
     title TEXT NOT NULL,
     category TEXT NOT NULL,
     kind TEXT NOT NULL,
     region TEXT, effective TEXT, updated TEXT, version TEXT,
     format TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     chunks INTEGER NOT NULL,
     meta TEXT NOT NULL DEFAULT '{}',
     original BLOB,
     text TEXT,
     PRIMARY KEY (doc_id, n)
   );
   INSERT INTO document_versions (doc_id, n, at, actor, reason, title, category, kind, region, effective, updated, version,
     format, sha256, bytes, chunks, meta)
   SELECT id, 1, changed_at, NULL, 'existing', title, category, kind, region, effective, updated, version, format, sha256, bytes,
     (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = documents.id), meta
   FROM documents;`);

// 6: one row per question the assistant answered or was not sure about (for the overview's chart:
// day, channel and outcome only — no question text, no user), and the console session's flash
// message (a line shown once on the next page, instead of in the URL).
MIGRATIONS.push(`CREATE TABLE question_outcomes (
     id INTEGER PRIMARY KEY,
     day TEXT NOT NULL,
     channel TEXT,
     outcome TEXT NOT NULL
   );
   CREATE INDEX question_outcomes_day ON question_outcomes(day);
   ALTER TABLE console_sessions ADD COLUMN flash TEXT;`);

// 7: sign-in limits that lock the attacker, not the account: one row per client address (group)
// and per account name that has failed recently, with the wait it has earned. Replaces the
// per-name lockout of step 4. Rows older than a day are purged and the table is capped.
MIGRATIONS.push(`DROP TABLE IF EXISTS console_login_failures;
   CREATE TABLE IF NOT EXISTS login_throttle (
     key TEXT PRIMARY KEY,
     failures INTEGER NOT NULL,
     blocked_until INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX IF NOT EXISTS login_throttle_updated ON login_throttle(updated_at);`);

// 8: no phone-number oracle in 入会 — the same number may be on several applications (someone may
// type another person's number; answering "already applied" would tell them it is known). The
// UNIQUE constraint on members.phone goes; staff see numbers shared by several applications marked.
MIGRATIONS.push(`CREATE TABLE members_new (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     phone TEXT NOT NULL,
     city TEXT NOT NULL,
     work_type TEXT NOT NULL,
     platform TEXT NOT NULL,
     union_name TEXT NOT NULL,
     status TEXT NOT NULL,
     note TEXT,
     channel TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     consent_at TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   INSERT INTO members_new SELECT id, name, phone, city, work_type, platform, union_name, status, note, channel, chat_id,
     user_id, consent_at, created_at, updated_at FROM members;
   DROP TABLE members;
   ALTER TABLE members_new RENAME TO members;
   CREATE INDEX members_user ON members(channel, user_id);
   CREATE INDEX members_phone ON members(phone);`);

// 9: audit rows that count instead of repeating: failed console sign-ins are one row per account
// name, address and hour with a count (see staff/failed-sign-ins.ts); `merge_key` names the row
// the next failure of the same kind adds to. Rows without a key are ordinary entries.
MIGRATIONS.push(`ALTER TABLE audit_log ADD COLUMN merge_key TEXT;
   CREATE UNIQUE INDEX audit_log_merge ON audit_log(merge_key) WHERE merge_key IS NOT NULL;`);

// 10: the group→private hand-off — a form asked for in a group, waiting for the worker's first
// private message — gets a table of its own; it was a session under the key ["handoff", channel,
// user id] with the state { handoff: <intent> }. Pending ones move over with their time.
MIGRATIONS.push(`CREATE TABLE handoffs (
     channel TEXT NOT NULL,
     user_id TEXT NOT NULL,
     intent TEXT NOT NULL,
     asked_at TEXT NOT NULL,
     PRIMARY KEY (channel, user_id)
   );
   CREATE INDEX handoffs_asked ON handoffs(asked_at);
   CREATE TEMP TABLE old_handoffs AS
     SELECT key,
       CASE WHEN json_valid(key) AND json_type(key) = 'array' AND json_array_length(key) = 3 THEN json_extract(key, '$[0]') END AS kind,
       CASE WHEN json_valid(key) AND json_type(key) = 'array' THEN json_extract(key, '$[1]') END AS channel,
       CASE WHEN json_valid(key) AND json_type(key) = 'array' THEN json_extract(key, '$[2]') END AS user_id,
       CASE WHEN json_valid(state) AND json_type(state) = 'object' THEN json_extract(state, '$.handoff') END AS intent,
       updated_at
     FROM sessions;
   INSERT OR REPLACE INTO handoffs (channel, user_id, intent, asked_at)
     SELECT channel, user_id, intent, updated_at FROM old_handoffs
     WHERE kind = 'handoff' AND channel IS NOT NULL AND user_id IS NOT NULL AND intent IS NOT NULL;
   DELETE FROM sessions WHERE key IN (SELECT key FROM old_handoffs WHERE kind = 'handoff');
   DROP TABLE old_handoffs;`);
