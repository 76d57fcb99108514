// The one error the loaders throw: its message is Chinese, names the file, and is shown to staff as is.

/** A file that cannot be imported; `message` is meant to be shown to staff as is. */
export class LoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}

/** Build the standard message: `无法导入 <file>：<reason>`. */
export function loadError(file: string, reason: string, cause?: unknown): LoadError {
  const err = new LoadError(file, `无法导入 ${file}：${reason}`);
  if (cause !== undefined) Object.defineProperty(err, 'cause', { value: cause, enumerable: false });
  return err;
}
