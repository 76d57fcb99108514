/**
 * What a failure of the machine means, in Chinese, for the staff member who ran the command: the
 * database busy or read-only, the disk full, no permission. Undefined for anything else.
 */
export function describeSystemError(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return '数据库正忙（另一个程序正在写入），请稍后再试一次。';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return '磁盘空间不够了，没有完成。请清理磁盘后再试。';
  if (code === 'SQLITE_READONLY' || code === 'EROFS') return '数据文件夹是只读的，没法写入。请检查 GONGYOU_DATA_DIR 所在磁盘和权限。';
  if (code === 'EACCES' || code === 'EPERM') return '没有权限读写需要的文件或文件夹。请检查数据文件夹（GONGYOU_DATA_DIR）的权限。';
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') return '数据库文件损坏或不是本程序的数据库。请从备份恢复，或换一个数据文件夹。';
  if (code === 'EMFILE' || code === 'ENFILE') return '同时打开的文件太多了，请稍后再试。';
  return undefined;
}
