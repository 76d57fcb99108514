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

