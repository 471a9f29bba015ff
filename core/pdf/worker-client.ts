/** parsePdf in a worker thread, so a 2,000-page file never blocks the caller's event loop. */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { WukongError, isErrorInfo, throwIfCancelled } from '../errors.js';
import type { DocumentModel } from '../model/document.js';
import type { ParseOptions } from './parse.js';
import type { WorkerMessage } from './worker.js';

/**
 * The worker must be plain JavaScript at run time. From compiled code it sits beside this file; from the
 * TypeScript sources (tests, tsx) the compiled copy under dist/ is used, which needs `tsc` to have run.
 */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = here.replace(/worker-client\.(ts|js)$/, 'worker.js');
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const dist = here.replace(/([\\/])core([\\/])pdf([\\/])worker-client\.ts$/, '$1dist$1core$2pdf$3worker.js');
  if (dist !== here && existsSync(dist)) return dist;
  throw new WukongError('INTERNAL', undefined, `PDF worker script not found (looked for ${sibling} and ${dist}); run tsc first.`);
}

export async function parsePdfInWorker(data: Uint8Array, fileName: string, options: ParseOptions = {}): Promise<DocumentModel> {
  throwIfCancelled(options.signal);
  const { signal, onProgress, ...plain } = options;
  const worker = new Worker(workerFile());
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
    worker.postMessage({ type: 'parse', request: { data, fileName, options: plain } });
  });
}
