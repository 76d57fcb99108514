import type { Command } from 'commander';
import { memberStatusName } from '../flows/join-union.ts';
import { maskPhone } from '../lib/privacy.ts';
import { listMembers, memberJson, membersCsv, parseMemberDecision, updateMember } from '../staff/members.ts';
import { BadInput, print, staffActor, viewed, withApp } from './common.ts';

/** `gongyou members …`: union enrolments, listed and decided by staff. */

export function addMembersCommands(program: Command): void {
  const members = program.command('members').description('入会申请（工作人员用）');
  members
    .command('list')
    .description('列出入会申请')
    .option('--json', '输出 JSON')
    .option('--csv', '输出 CSV（UTF-8，Excel 可直接打开）')
    .option('--status <s>', '只看某个状态：pending / approved / rejected')
    .action((opts: { json?: boolean; csv?: boolean; status?: string }) =>
      withApp(async (app) => {
        if (opts.status && !['pending', 'approved', 'rejected'].includes(opts.status)) {
          throw new BadInput(`未知状态“${opts.status}”。可用：pending、approved、rejected。`);
        }
        const list = await listMembers(app.records, { status: opts.status as 'pending' | undefined });
        await viewed(app, 'members.list', opts.status ?? 'all', list.length, opts);
        if (opts.json) return print(JSON.stringify(list.map(memberJson)));
        if (opts.csv) return void process.stdout.write(membersCsv(list));
        if (!list.length) return print('还没有入会申请。');
        for (const m of list) {
          print(`${m.id}  ${memberStatusName(m.status)}  ${m.name}  ${maskPhone(m.phone)}  ${m.city}  ${m.workType}  ${m.platform}  → ${m.unionName}`);
        }
        print(`共 ${list.length} 条（手机号已隐藏中间四位，--json / --csv 里是完整号码）。`);
      }),
    );
  members
    .command('update')
    .description('审核入会申请；结果会发给申请人（--note 的内容也会发给申请人）')
    .argument('<id>', '申请编号，比如 RH-20261123-0001')
    .requiredOption('--status <status>', 'approved（通过）或 rejected（不通过）')
    .option('--note <note>', '给申请人的留言')
    .action((id: string, opts: { status: string; note?: string }) =>
      withApp(async (app) => {
        const m = await updateMember(app.records, id, parseMemberDecision(opts.status), opts.note ?? null, staffActor(), new Date());
        print(`已更新 ${m.id}：${memberStatusName(m.status)}。结果会在申请人下次发消息时送到。`);
      }),
    );
}
