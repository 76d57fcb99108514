// The parse worker: reads and splits one file at a time for sandbox.ts, in its own thread with its
// own heap, so a hostile file costs this thread (terminated or crashed), never the chat.

import { parentPort } from 'node:worker_threads';
import { prepareFile } from '../ingest.ts';
import { LoadError } from './errors.ts';
import type { ParseJob, ParseReply } from './sandbox.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs only as a worker thread');

port.on('message', (job: ParseJob) => {
  void prepareFile(job.path, { source: job.source, category: job.category, maxBytes: job.maxBytes }).then(
    (prepared) => port.postMessage({ id: job.id, ok: true, prepared } satisfies ParseReply),
    (err: unknown) => {
      // A LoadError's message is for staff; anything else is reported as a damaged file.
      const error = err instanceof LoadError ? { file: err.file, message: err.message } : { file: job.path, message: `无法导入 ${job.path}：读取文件内容时出错，文件可能已损坏。` };
      port.postMessage({ id: job.id, ok: false, error } satisfies ParseReply);
    },
  );
});
