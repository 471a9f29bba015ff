/** Worker-thread entry: parses the bytes it is sent and posts progress, then the model or the error. */
import { parentPort } from 'node:worker_threads';
import { toWukongError } from '../errors.js';
import { parsePdf, type ParseOptions } from './parse.js';

export interface WorkerRequest {
  data: Uint8Array;
  fileName: string;
  options: Omit<ParseOptions, 'signal' | 'onProgress' | 'consume'>;
}

export type WorkerMessage =
  | { type: 'progress'; page: number; pageCount: number }
  | { type: 'done'; model: unknown }
  | { type: 'error'; error: { code: string; message: string; detail?: string } };

const port = parentPort;
if (port) {
  const controller = new AbortController();
  port.on('message', (msg: { type: 'parse'; request: WorkerRequest } | { type: 'cancel' }) => {
    if (msg.type === 'cancel') {
      controller.abort();
      return;
    }
    const { data, fileName, options } = msg.request;
    // The bytes arrived as this thread's own copy (cloned or moved), so pdf.js may take them as they are.
    parsePdf(data, fileName, {
      ...options,
      consume: true,
      signal: controller.signal,
      onProgress: (p) => port.postMessage({ type: 'progress', ...p } satisfies WorkerMessage),
    }).then(
      (model) => port.postMessage({ type: 'done', model } satisfies WorkerMessage),
      (err: unknown) => port.postMessage({ type: 'error', error: toWukongError(err).toJSON() } satisfies WorkerMessage),
    );
  });
}
