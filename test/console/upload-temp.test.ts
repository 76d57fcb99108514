import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepUploadTemp } from '../../src/console/upload.ts';
import { tempDir } from '../helpers/app.ts';

const t = tempDir();
afterAll(t.cleanup);

describe('upload temp folders', () => {
  it('a crashed server\'s are removed at the next start; one being read now is left alone', () => {
    const stale = join(t.dir, 'gongyou-upload-stale');
    const fresh = join(t.dir, 'gongyou-upload-fresh');
    const other = join(t.dir, 'someone-else');
    for (const d of [stale, fresh, other]) {
      mkdirSync(d);
      writeFileSync(join(d, '上传.docx'), 'x');
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    utimesSync(other, twoHoursAgo, twoHoursAgo);
    expect(sweepUploadTemp(Date.now(), t.dir)).toBe(1);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
});
