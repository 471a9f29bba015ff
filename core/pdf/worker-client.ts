/** parsePdf in a worker thread, so a 2,000-page file never blocks the caller's event loop. */
import { Worker } from 'node:worker_threads';
import { WukongError, isErrorInfo, throwIfCancelled } from '../errors.js';
import type { DocumentModel } from '../model/document.js';
import { compiledWorker } from '../util/worker-script.js';
import type { ParseOptions } from './parse.js';
import type { WorkerMessage, WorkerRequest } from './worker.js';

const PARSE_YOUNG_GENERATION_MB = 4;

export function workerFile(): string {
  return compiledWorker(import.meta.url, 'worker.js', 'PDF');
}

export async function parsePdfInWorker(data: Uint8Array, fileName: string, options: ParseOptions = {}): Promise<DocumentModel> {
  throwIfCancelled(options.signal);
  const { signal, onProgress, consume, ...plain } = options;
  // A small young generation: V8's default lets it grow to ~48 MB of this thread's RSS, which sits on top of
  // the whole file during the parse (the peak of opening a 300 MB file); measured: ~20-40 MB lower peak for
  // about a second more on a 51-page paper (bench/memory.ts).
  const worker = new Worker(workerFile(), { resourceLimits: { maxYoungGenerationSizeMb: PARSE_YOUNG_GENERATION_MB } });
  return new Promise<DocumentModel>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    // Cancelling ends the thread outright: pdf.js work in flight cannot be interrupted any other way.
    const onAbort = (): void => finish(() => reject(new WukongError('CANCELLED')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'progress') onProgress?.({ page: msg.page, pageCount: msg.pageCount });
      else if (msg.type === 'done') finish(() => resolve(msg.model as DocumentModel));
      else {
        const e = msg.error;
        finish(() => reject(isErrorInfo(e) ? new WukongError(e.code, e.message, e.detail) : new WukongError('INTERNAL', undefined, e.message)));
      }
    });
    worker.on('error', (err) => finish(() => reject(new WukongError('INTERNAL', undefined, err.message))));
    worker.on('exit', (code) => finish(() => reject(new WukongError('INTERNAL', undefined, `PDF worker exited with code ${code}`))));
    // Structured clone would copy the bytes into the thread; a caller that gives them up has them moved instead.
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    const transfer = consume && whole ? [data.buffer as ArrayBuffer] : [];
    worker.postMessage({ type: 'parse', request: { data, fileName, options: plain } } satisfies { type: 'parse'; request: WorkerRequest }, transfer);
  });
}
