import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addFiles, documentHistory, rollbackDocument } from '../../src/staff/kb.ts';
import { openDatabase, openReadOnly, SqliteKnowledgeStore } from '../../src/store/sqlite.ts';
import { testApp } from '../helpers/app.ts';
import { kbWorkspaces, MAX, RULES } from '../helpers/kb-files.ts';

/** The SQLite knowledge store itself: its schema, its migrations, and the reads and writes tests outside use. */

const { cleanups, workspace } = kbWorkspaces();

describe('the knowledge store on SQLite', () => {
  it('starts the history of documents stored before versions were kept (migration 5) at version 1', async () => {
    const { data, files } = workspace();
    const f = join(files, 'huzhu.md');
    writeFileSync(f, RULES);
    const app = await testApp(data, { seed: false });
    const docId = (await addFiles(app.kb, [f], { maxBytes: MAX })).results[0]!.doc.id;
    app.close();
    // as a data dir from before migration 5 looks
    const db = openDatabase(join(data, 'gongyou.db'));
    db.exec('DROP TABLE document_versions; DROP TABLE question_outcomes; ALTER TABLE console_sessions DROP COLUMN flash; DROP INDEX audit_log_merge; ALTER TABLE audit_log DROP COLUMN merge_key; DROP TABLE handoffs');
    db.pragma('user_version = 4');
    db.close();
    const again = await testApp(data, { seed: false });
    cleanups.push(() => again.close());
    expect(documentHistory(again.kb, docId).versions.map((v) => [v.n, v.reason, v.chunks, v.current])).toEqual([[1, 'existing', 2, true]]);
    writeFileSync(f, RULES.replace('三个月', '六个月'));
    await addFiles(again.kb, [f], { maxBytes: MAX });
    await rollbackDocument(again.kb, again.records.audit, docId, 1, 'test', new Date());
    expect(again.kb.store.documentText(docId)!.text).toContain('三个月');
    expect(documentHistory(again.kb, docId).versions.map((v) => [v.n, v.reason])).toEqual([[3, 'rollback'], [2, 'replaced'], [1, 'existing']]);
  });

  it('keeps the day, channel and outcome of each question asked, and nothing else (no question text)', async () => {
    const { data } = workspace();
    const app = await testApp(data);
    cleanups.push(() => app.close());
    const questions = ['新职伤要自己交钱吗？', '骑手的电动车电池在哪个驿站以旧换新最便宜？'];
    await app.ask(questions[0]!, { channel: 'web' });
    await app.ask(questions[1]!, { channel: 'telegram' });
    const kept = app.kb.store.questionOutcomes();
    expect(kept.map((r) => [r.channel, r.outcome])).toEqual([
      ['web', 'answered'],
      ['telegram', 'not_sure'],
    ]);
    expect(kept.every((r) => /^\d{4}-\d\d-\d\d$/.test(r.day))).toBe(true);
    // the table itself, as another process reads it
    const db = openReadOnly(join(data, 'gongyou.db'));
    try {
      const rows = db.prepare('SELECT * FROM question_outcomes').all() as Record<string, unknown>[];
      expect(rows).toHaveLength(2);
      expect(Object.keys(rows[0]!).sort()).toEqual(['channel', 'day', 'id', 'outcome']);
      for (const q of questions) expect(JSON.stringify(rows)).not.toContain(q.slice(0, 4));
    } finally {
      db.close();
    }
  });

  it('sets, reads and removes meta keys', () => {
    const { data } = workspace();
    const store = new SqliteKnowledgeStore(openDatabase(join(data, 'kb.db')));
    cleanups.push(() => store.close());
    expect(store.getMeta('builtin')).toBeUndefined();
    store.setMeta('builtin', '["a.md"]');
    store.setMeta('seeded', '2026-11-23T00:00:00.000Z');
    expect(store.getMeta('builtin')).toBe('["a.md"]');
    store.removeMeta('builtin');
    expect(store.getMeta('builtin')).toBeUndefined();
    expect(store.getMeta('seeded')).toBe('2026-11-23T00:00:00.000Z');
    store.removeMeta('builtin'); // not there: nothing happens
    expect(store.getMeta('builtin')).toBeUndefined();
  });
});
