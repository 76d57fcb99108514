import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { tempDir } from './app.ts';

/**
 * For a test file on the knowledge base: `workspace()` gives a data dir and a folder of files to
 * add; it and whatever is pushed on `cleanups` (an app to close) go after each test.
 */
export function kbWorkspaces() {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });
  const workspace = () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const files = join(t.dir, 'files');
    mkdirSync(files);
    return { data: join(t.dir, 'data'), files };
  };
  return { cleanups, workspace };
}

export const MAX = 20 * 1024 * 1024;

/** A small local rule with two sections, as staff add them. */
export const RULES = `# 某市骑手互助金办法

## 怎么申请

骑手互助金由市总工会发放，骑手入会满三个月后可以申请，每人每年最多申请一次。

## 要交什么材料

申请骑手互助金要交申请表、工会会员证和医院诊断证明。
`;
