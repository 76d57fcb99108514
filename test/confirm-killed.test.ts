import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { ROOT } from '../src/paths.ts';
import { tempDir, testApp } from './helpers/app.ts';
import { COMPLAINT, JOIN } from './helpers/conversation.ts';

/**
 * kill -9 during 确认: the real `gongyou chat` process is killed with SIGKILL while it files the
 * form (the record written, the reply perhaps never printed); after a restart the worker sends 确认
 * again and is told the number that was filed, and nothing is filed twice.
 */
const t = tempDir();
afterAll(t.cleanup);
const data = join(t.dir, 'data');
const env = { ...process.env, GONGYOU_DATA_DIR: data, LOG_LEVEL: 'silent' };
const bin = join(ROOT, 'bin/gongyou.js');

/** An app of the test's own on the data dir: it reads the records as another process would. */
let app: App;
beforeAll(async () => {
  app = await testApp(data); // seeded: the chats only talk
}, 120_000);
afterAll(() => app?.close());

/** The numbers filed for a worker (`gongyou chat` talks on the terminal channel), read through the Store. */
async function filed(table: 'members' | 'complaints', user: string): Promise<string[]> {
  if (table === 'members') return (await app.records.members.ofUser('terminal', user)).map((m) => m.id);
  return (await app.records.complaints.ofUser('terminal', user)).map((c) => c.ticket);
}

/**
 * Runs a chat up to the confirmation, sends 确认 and kills the process with SIGKILL: as soon as the
 * record is in the database (`when: 'filed'`), or at once (`when: 'sent'`, wherever it is then).
 * Returns what it printed after 确认 was sent.
 */
async function killDuringConfirm(user: string, lines: string[], table: 'members' | 'complaints', when: 'filed' | 'sent'): Promise<string> {
  const child = spawn(process.execPath, [bin, 'chat', '--user', user], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((done) => child.on('exit', done));
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  child.stdin.write(lines.join('\n') + '\n');
  for (let waited = 0; !out.includes('没问题就回复“确认”'); waited += 10) {
    if (waited > 90_000) throw new Error(`no confirmation asked: ${out.slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const asked = out.length;
  child.stdin.write('确认\n');
  if (when === 'filed') {
    for (let waited = 0; !(await filed(table, user)).length; waited++) {
      if (waited > 60_000) throw new Error('nothing filed');
      await new Promise((r) => setImmediate(r));
    }
  }
  child.kill('SIGKILL');
  await exited;
  return out.slice(asked);
}

const chat = (user: string, input: string) => spawnSync(process.execPath, [bin, 'chat', '--user', user], { env, input, encoding: 'utf8', timeout: 120_000 });
const number = (text: string) => /(RH|WQ)-\d{8}-\d{4}/.exec(text)?.[0];

describe('kill -9 during 确认', () => {
  it('入会 killed once the application is filed: 确认 after the restart tells the same number; one application', async () => {
    await killDuringConfirm('k-join', JOIN, 'members', 'filed');
    const [id, ...more] = await filed('members', 'k-join');
    expect(id).toMatch(/^RH-/);
    expect(more).toHaveLength(0);
    const again = chat('k-join', '确认\n');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('已经提交好了');
    expect(number(again.stdout)).toBe(id);
    expect(await filed('members', 'k-join')).toEqual([id]);
  }, 180_000);

  it('投诉 killed the moment 确认 is sent: after the restart 确认 gives the one ticket there is', async () => {
    const before = await killDuringConfirm('k-case', COMPLAINT, 'complaints', 'sent');
    const again = chat('k-case', '确认\n');
    expect(again.status, again.stderr).toBe(0);
    const tickets = await filed('complaints', 'k-case');
    expect(tickets).toHaveLength(1);
    // filed before the kill (then told again) or not yet (then filed now): either way, that ticket
    expect(number(again.stdout)).toBe(tickets[0]);
    if (number(before)) expect(number(before)).toBe(tickets[0]);
  }, 180_000);
});
