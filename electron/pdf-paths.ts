/** Which paths the window may ask us to open: existing, absolute, regular .pdf files only. */
import { stat } from 'node:fs/promises';
import { extname, isAbsolute } from 'node:path';
import { WukongError } from '../core/errors.js';

const MAX_FILES = 50;

export async function checkPdfPaths(paths: unknown): Promise<string[]> {
  if (!Array.isArray(paths) || paths.length > MAX_FILES) throw new WukongError('BAD_REQUEST', undefined, 'paths must be an array');
  const out: string[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' || !isAbsolute(p) || extname(p).toLowerCase() !== '.pdf') throw new WukongError('NOT_PDF', undefined, String(p));
    const info = await stat(p).catch(() => null);
    if (!info?.isFile()) throw new WukongError('NOT_FOUND', undefined, p);
    out.push(p);
  }
  return out;
}
