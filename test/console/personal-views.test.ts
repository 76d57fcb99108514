import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaffAccount } from '../../src/staff/accounts.ts';
import { COMPLAINT, JOIN, worker } from '../helpers/conversation.ts';
import { Client, consoleServer } from './helpers.ts';

/**
 * Staff views of personal data are audited: every console page that shows workers' names, numbers
 * or their own words (enrolments, complaints and a case, the gap list, the CSV exports) writes one
 * entry naming who looked and at which records; pages without personal data write none.
 */

type Server = Awaited<ReturnType<typeof consoleServer>>;

describe('console views of personal data', () => {
  let s: Server;
  let c: Client;
  let applicationId: string;
  let ticket: string;
  beforeAll(async () => {
    s = await consoleServer();
    const w = worker(s.conv, 'pv1');
    await w.script(JOIN);
    applicationId = /RH-\d{8}-\d{4}/.exec(await w.say('确认'))![0];
    const v = worker(s.conv, 'pv2');
    await v.script(COMPLAINT);
    ticket = /WQ-\d{8}-\d{4}/.exec(await v.say('确认'))![0];
    s.conv.app.kb.store.logGap('站点押金不退怎么办', 'web', 0.1, s.conv.clock.now());
    const password = await addStaffAccount(s.conv.app.records, 'zhou', 'test', s.conv.clock.now());
    c = new Client(s.url);
    await c.login('zhou', password, 'quiet-river-passphrase-2026');
  });
  afterAll(() => s.close());

  const entries = async () => await s.conv.app.records.audit.search({ actor: 'console:zhou' }, 1000);

  it('each view writes one entry with who and which records; the audit page lists them', async () => {
    const views: [string, string, string][] = [
      ['/console/members', 'console.members.view', applicationId],
      ['/console/complaints', 'console.complaints.view', ticket],
      [`/console/complaints/${ticket}`, 'console.complaint.view', ticket],
      ['/console/kb/gaps', 'console.gaps.view', ''],
      ['/console/members.csv', 'console.members.export', ''],
      ['/console/complaints.csv', 'console.complaints.export', ''],
    ];
    for (const [path, action, record] of views) {
      const before = (await entries()).length;
      const page = await c.get(path);
      expect(page.res.status, path).toBe(200);
      const added = (await entries()).slice(0, (await entries()).length - before);
      expect(added.map((e) => e.action), path).toEqual([action]);
      if (record) expect(JSON.stringify(added[0]), path).toContain(record);
    }
    // the worker's details are on the pages, never in the log
    const log = JSON.stringify((await entries()));
    expect(log).not.toContain('张三');
    expect(log).not.toContain('13812345678');
    expect(log).not.toContain('13912345678');
    const audit = (await c.get('/console/audit?actor=zhou')).text;
    for (const [, action] of views) expect(audit).toContain(action);
    expect(audit).toContain(applicationId);
  });

  it('pages without personal data add nothing', async () => {
    const before = (await entries()).length;
    for (const path of ['/console', '/console/kb', '/console/audit']) expect((await c.get(path)).res.status).toBe(200);
    expect((await entries()).length).toBe(before);
  });
});
