import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';

/** A fresh data dir per test: two data dirs never interfere. */
export function tempDir(prefix = 'gongyou-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ GONGYOU_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }, { dotenv: false });
}

export async function testApp(dataDir: string, opts: { seed?: boolean; env?: Record<string, string> } = {}): Promise<App> {
  return openApp(testConfig(dataDir, opts.env), { seed: opts.seed });
}
