import type { Command } from 'commander';
import { dayOf } from '../lib/dates.ts';
import { addStaffAccount, setAccountDisabled } from '../staff/accounts.ts';
import { BadInput, print, staffActor, withApp } from './common.ts';

/** `gongyou staff …`: console accounts, and the chat accounts allowed to use staff commands. */

export function addStaffCommands(program: Command): void {
  const staff = program.command('staff').description('工作人员');
  staff
    .command('add')
    .description('建立工作人员后台（/console）账号，打印一次性密码（首次登录须修改）')
    .argument('<name>', '账号名（2–32 个字母、数字、汉字或 _ . -）')
    .option('--reset', '账号已存在时重设为新的一次性密码')
    .action((name: string, opts: { reset?: boolean }) =>
      withApp(async (app) => {
        const password = await addStaffAccount(app.records, name, staffActor(), new Date(), { reset: opts.reset });
        print(`账号：${name.trim()}\n一次性密码：${password}\n请在 ${app.config.publicUrl ?? `http://${app.config.host}:${app.config.port}`}/console 登录，首次登录后必须修改密码。这个密码只显示这一次。`);
      }),
    );
  staff
    .command('list')
    .description('列出工作人员后台账号')
    .action(() =>
      withApp(async (app) => {
        const list = await app.records.accounts.list();
        if (!list.length) return print('还没有后台账号。用 gongyou staff add <name> 建立。');
        for (const a of list) print(`${a.name}  ${a.disabled ? '已停用' : a.mustChange ? '待首次登录改密码' : '正常'}  建立于 ${dayOf(new Date(a.createdAt))}`);
      }),
    );
  staff
    .command('disable')
    .description('停用后台账号：不能再登录，已登录的会话立即失效')
    .argument('<name>', '账号名')
    .action((name: string) =>
      withApp(async (app) => {
        await setAccountDisabled(app.records, name, true, staffActor(), new Date());
        print(`已停用账号 ${name.trim()}，它的登录已全部失效。要恢复请运行 gongyou staff enable ${name.trim()}。`);
      }),
    );
  staff
    .command('enable')
    .description('重新启用后台账号（密码不变）')
    .argument('<name>', '账号名')
    .action((name: string) =>
      withApp(async (app) => {
        await setAccountDisabled(app.records, name, false, staffActor(), new Date());
        print(`已重新启用账号 ${name.trim()}，可以用原来的密码登录。`);
      }),
    );
  staff
    .command('chat-add')
    .description('让一个聊天账号可以用工作人员命令（/kb add、/approve、/case 等）')
    .argument('<channel>', 'telegram、wechat、wechat-mp（公众号）或 wecom-bot（企业微信机器人）')
    .argument('<userId>', '该渠道里的用户编号（Telegram 的数字 id；微信的联系人 id）')
    .option('--name <name>', '备注名')
    .action((channel: string, userId: string, opts: { name?: string }) =>
      withApp(async (app) => {
        if (!['telegram', 'wechat', 'wechat-mp', 'wecom-bot'].includes(channel)) throw new BadInput(`未知渠道“${channel}”。可用：telegram、wechat、wechat-mp、wecom-bot。`);
        const now = new Date();
        await app.records.transaction(async (tx) => {
          await tx.staff.add(channel, userId, opts.name ?? null, now);
          await tx.audit.add(staffActor(), 'staff.chat.add', `${channel}:${userId}`, {}, now);
        });
        print(`已添加：${channel} ${userId}${opts.name ? `（${opts.name}）` : ''} 可以在聊天里使用工作人员命令。`);
      }),
    );
  staff
    .command('chat-list')
    .description('列出可以用工作人员命令的聊天账号（配置里的和数据库里的）')
    .action(() =>
      withApp(async (app) => {
        for (const [channel, ids] of Object.entries(app.config.staffIds)) for (const id of ids) print(`${channel}  ${id}  （配置 ${staffSetting(channel)}）`);
        for (const s of await app.records.staff.list()) print(`${s.channel}  ${s.userId}  ${s.name ?? ''}`);
      }),
    );
  staff
    .command('chat-remove')
    .description('取消一个聊天账号的工作人员权限')
    .argument('<channel>', 'telegram、wechat、wechat-mp（公众号）或 wecom-bot（企业微信机器人）')
    .argument('<userId>', '用户编号')
    .action((channel: string, userId: string) =>
      withApp(async (app) => {
        const now = new Date();
        const removed = await app.records.transaction(async (tx) => {
          const ok = await tx.staff.remove(channel, userId);
          if (ok) await tx.audit.add(staffActor(), 'staff.chat.remove', `${channel}:${userId}`, {}, now);
          return ok;
        });
        if (!removed) throw new BadInput(`数据库里没有 ${channel} ${userId}（配置里的请改 .env）。`);
        print(`已取消 ${channel} ${userId} 的工作人员权限。`);
      }),
    );
}

/** The setting that lists a channel's staff ids (the 企业微信 bot's userids are STAFF_WECOM_IDS). */
const staffSetting = (channel: string): string => (channel === 'wecom-bot' ? 'STAFF_WECOM_IDS' : `STAFF_${channel.toUpperCase().replace(/-/g, '_')}_IDS`);
