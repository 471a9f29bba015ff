/**
 * pdf.js's parser prefetches objects it may never await (the page tree's kids, object streams), so a damaged
 * file can leave rejected promises nobody observes. Node ends the process (or the worker thread) on such a
 * rejection even though the page that needed the object has already reported its own failure. This guard
 * drops exactly those, and keeps Node's default for every other unhandled rejection.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where pdf.js's parser lives: its own bugs on damaged input (a TypeError) are thrown from there. */
const PDFJS_BUILD = pathToFileURL(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs'))).href + '/';

/**
 * pdf.js builds all its exceptions on one `BaseException` function (FormatError, ParserEOFException, ...);
 * anything else counts only when pdf.js's own code threw it (the first stack frame is in its build).
 */
export function isPdfjsException(reason: unknown): boolean {
  if (typeof reason !== 'object' || reason === null) return false;
  const ctor = (reason as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function') return false;
  const base = Object.getPrototypeOf(ctor) as { name?: unknown } | null;
  if (base?.name === 'BaseException') return true;
  const stack = (reason as { stack?: unknown }).stack;
  const frame = typeof stack === 'string' ? /\n\s+at .*/.exec(stack)?.[0] : undefined;
  return frame?.includes(PDFJS_BUILD) ?? false;
}

let ignored = 0;

/** How many stray pdf.js rejections were dropped in this thread (for tests and diagnostics). */
export function ignoredPdfjsRejections(): number {
  return ignored;
}

let installed = false;

export function guardPdfjsRejections(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    if (isPdfjsException(reason)) {
      ignored++;
      return;
    }
    // Any listener turns off Node's crash on unhandled rejections; while this is the only one, crash as
    // Node would have, so that real bugs elsewhere stay loud.
    if (process.listenerCount('unhandledRejection') === 1) throw reason;
  });
}
