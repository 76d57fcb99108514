import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listComplaints } from '../src/staff/complaints.ts';
import { listMembers } from '../src/staff/members.ts';
import { COMPLAINT, conversationApp, JOIN, worker } from './helpers/conversation.ts';

/**
 * 确认 is idempotent: when the reply with the number was lost (the server restarted right after
 * filing, the network dropped it) and the worker sends 确认 again, they get the same number, and
 * there is still one record.
 */
let env: Awaited<ReturnType<typeof conversationApp>>;
beforeAll(async () => {
  env = await conversationApp();
});
afterAll(() => env.close());

const number = (text: string) => /(RH|WQ)-\d{8}-\d{4}/.exec(text)?.[0];

describe('a 确认 sent again', () => {
  it('入会: the same application number after a restart, one application', async () => {
    const w = worker(env, 'retry-join');
    await w.script(JOIN);
    const first = number(await w.say('确认'));
    expect(first).toMatch(/^RH-/);
    await env.reopen();
    const again = await w.say('确认');
    expect(again).toContain('已经提交好了');
    expect(number(again)).toBe(first);
    expect((await listMembers(env.app.records)).filter((m) => m.userId === 'retry-join')).toHaveLength(1);
  });

  it('投诉: the same ticket, one complaint', async () => {
    const w = worker(env, 'retry-complaint');
    await w.script(COMPLAINT);
    const first = number(await w.say('确认'));
    expect(first).toMatch(/^WQ-/);
    expect(number(await w.say('确认'))).toBe(first);
    expect((await listComplaints(env.app.records, { today: '2026-11-23' })).filter((c) => c.userId === 'retry-complaint')).toHaveLength(1);
  });

  it('is an ordinary message once the form is long done', async () => {
    const w = worker(env, 'retry-late');
    await w.script(JOIN);
    await w.say('确认');
    env.clock.advanceHours(0.52);
    expect(await w.say('确认')).not.toContain('已经提交好了');
  });
});
