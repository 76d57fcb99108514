import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { InputError } from '../knowledge/ingest.ts';
import { LoadError } from '../knowledge/loaders/index.ts';
import { describeSystemError } from '../lib/system-errors.ts';
import { StaffError } from '../staff/errors.ts';
import { ImportErrors } from '../staff/kb.ts';
import { addAskCommand } from './ask.ts';
import { addChatCommand } from './chat.ts';
import { BadInput } from './common.ts';
import { addComplaintsCommands } from './complaints.ts';
import { addKbCommands } from './kb.ts';
import { addMembersCommands } from './members.ts';
import { addStaffCommands } from './staff.ts';
import { addStartCommand } from './start.ts';
import { addWechatCommands } from './wechat.ts';

/**
 * `gongyou`: the command line. Exit codes: 0 success, 1 bad input, 2 internal error. Importing this
 * module runs nothing: bin/gongyou.js calls `main`.
 */

export function buildProgram(): Command {
  const program = new Command('gongyou')
    .description('工友助手：为外卖骑手、网约车司机、货车司机、快递员解答问题的工会助手')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  // the order here is the order `gongyou --help` lists them in
  addStartCommand(program);
  addChatCommand(program);
  addAskCommand(program);
  addKbCommands(program);
  addMembersCommands(program);
  addComplaintsCommands(program);
  addStaffCommands(program);
  addWechatCommands(program);
  return program;
}

const COMMANDER_MESSAGES: Record<string, (e: CommanderError) => string> = {
  'commander.unknownCommand': (e) => `未知命令${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou --help 查看可用命令。`,
  'commander.unknownOption': (e) => `未知选项${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou <命令> --help 查看用法。`,
  'commander.missingArgument': (e) => `缺少参数${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou <命令> --help 查看用法。`,
  'commander.optionMissingArgument': (e) => `选项缺少取值${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。`,
  'commander.missingMandatoryOptionValue': (e) => `缺少必填选项${/'([^']+)'/.exec(e.message)?.[0] ?? ''}。运行 gongyou <命令> --help 查看用法。`,
  'commander.excessArguments': () => '参数太多了。运行 gongyou <命令> --help 查看用法。',
};

/** Runs one command line (`process.argv` form) and returns its exit code; failures are told on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      if (err.code === 'commander.help') return 0;
      const msg = COMMANDER_MESSAGES[err.code]?.(err) ?? err.message;
      process.stderr.write(`${msg}\n`);
      return 1;
    }
    if (err instanceof ImportErrors) {
      process.stderr.write(`${err.message}\n知识库没有改动。\n`);
      return 1;
    }
    if (err instanceof BadInput || err instanceof StaffError || err instanceof InputError || err instanceof LoadError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    const plain = describeSystemError(err);
    if (plain) {
      process.stderr.write(`${plain}\n`);
      return 1;
    }
    // an unexpected failure: said in Chinese, with the technical detail kept for the maintainers
    process.stderr.write(`内部错误，没有完成。请把下面这行发给维护人员（设置 GONGYOU_DEBUG=1 再运行可看到详情）：\n${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.GONGYOU_DEBUG) console.error(err);
    return 2;
  }
}
