import type { Command } from 'commander';
import { dayOf } from '../lib/dates.ts';
import { maskPhone } from '../lib/privacy.ts';
import { complaintJson, complaintsCsv, isOverdue, listComplaints, parseComplaintStatus, updateComplaint } from '../staff/complaints.ts';
import { print, staffActor, viewed, withApp } from './common.ts';

/** `gongyou complaints …`: complaint cases (维权), listed and moved on by staff. */

export function addComplaintsCommands(program: Command): void {
  const complaints = program.command('complaints').description('维权投诉（工作人员用）');
  complaints
    .command('list')
    .description('列出投诉')
    .option('--json', '输出 JSON')
    .option('--csv', '输出 CSV（UTF-8，Excel 可直接打开）')
    .option('--overdue', '只看超过计划办结日期还没办结的')
    .action((opts: { json?: boolean; csv?: boolean; overdue?: boolean }) =>
      withApp(async (app) => {
        const today = dayOf(new Date());
        const list = await listComplaints(app.records, { overdue: opts.overdue, today });
        await viewed(app, 'complaints.list', opts.overdue ? 'overdue' : 'all', list.length, opts);
        if (opts.json) {
          const rows = [];
          for (const c of list) rows.push(await complaintJson(app.records, c, today));
          return print(JSON.stringify(rows));
        }
        if (opts.csv) return void process.stdout.write(await complaintsCsv(app.records, list, today));
        if (!list.length) return print(opts.overdue ? '没有超期的投诉。' : '还没有投诉。');
        for (const c of list) {
          const late = isOverdue(c, today) ? '  【超期】' : '';
          print(`${c.ticket}  ${c.status}  ${c.category}  ${c.platform}  ${c.city}  计划办结 ${c.dueDate}${late}  ${maskPhone(c.phone)}`);
        }
        print(`共 ${list.length} 条。`);
      }),
    );
  complaints
    .command('update')
    .description('更新投诉状态：已受理 → 处理中 → 已办结，或 已转办；会通知投诉人（--note 的内容也会发给投诉人）')
    .argument('<ticket>', '投诉编号，比如 WQ-20261123-0007')
    .requiredOption('--status <status>', '已受理 / 处理中 / 已办结 / 已转办（或 accepted / in_progress / resolved / transferred）')
    .option('--note <note>', '给投诉人的留言')
    .action((ticket: string, opts: { status: string; note?: string }) =>
      withApp(async (app) => {
        const c = await updateComplaint(app.records, ticket, parseComplaintStatus(opts.status), opts.note ?? null, staffActor(), new Date());
        print(`已更新 ${c.ticket}：${c.status}。投诉人下次发消息时会收到通知。`);
      }),
    );
}
