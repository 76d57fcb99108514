import { userInfo } from 'node:os';
import { openApp, type App } from '../app.ts';
import { loadConfig } from '../config.ts';

/** Helpers every command group shares: opening the app, printing, who the staff member is. */

/** A mistake in what was typed: its message goes to stderr as it is, and the exit code is 1. */
export class BadInput extends Error {}

/** Opens the app for one command and closes it however the command ends. */
export async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp(loadConfig());
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}

/** One line (or block) to stdout, ending in exactly one newline unless it already has one. */
export const print = (s: string): void => {
  process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
};

/** The audit log's actor for whoever runs the command: the OS user when it can be read. */
export const staffActor = () => {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
};

/** Personal data shown or exported (--json and --csv carry full numbers): written to the audit log like the console's views. */
export const viewed = (app: App, action: string, target: string, rows: number, opts: { json?: boolean; csv?: boolean }) =>
  app.records.audit.add(staffActor(), action, target, { rows, format: opts.csv ? 'csv' : opts.json ? 'json' : 'text' }, new Date());
