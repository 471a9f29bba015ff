import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DocumentSource } from '../api.js';
import { WukongError, toWukongError } from '../errors.js';

export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

export interface LoadedSource {
  id: string;
  fileName: string;
  bytes: Uint8Array;
}

/** Reads a document source, refusing what is too large or plainly not a PDF before any parsing. */
export async function loadSource(source: DocumentSource, maxBytes = DEFAULT_MAX_BYTES): Promise<LoadedSource> {
  let bytes: Uint8Array;
  let fileName: string;
  if ('path' in source) {
    if (typeof source.path !== 'string' || source.path === '') throw new WukongError('BAD_REQUEST', 'No file path was given.');
    fileName = basename(source.path);
    try {
      const info = await stat(source.path);
      if (!info.isFile()) throw new WukongError('NOT_FOUND', `${source.path} is not a file.`);
      if (info.size > maxBytes) throw tooLarge(info.size, maxBytes);
      bytes = new Uint8Array(await readFile(source.path));
    } catch (err) {
      const e = toWukongError(err);
      if (e.code === 'NOT_FOUND' && e.message === 'The file or document was not found.') {
        throw new WukongError('NOT_FOUND', `File not found: ${source.path}`);
      }
      throw e;
    }
  } else {
    if (!(source.bytes instanceof Uint8Array)) throw new WukongError('BAD_REQUEST', 'The file contents are missing.');
    if (source.bytes.byteLength > maxBytes) throw tooLarge(source.bytes.byteLength, maxBytes);
    bytes = source.bytes;
    fileName = basename(source.fileName || 'document.pdf');
  }
  if (!looksLikePdf(bytes)) throw new WukongError('NOT_PDF', `${fileName} is not a PDF (it does not start with %PDF).`);
  const id = createHash('sha256').update(bytes).digest('hex');
  return { id, fileName, bytes };
}

/** PDF readers accept the %PDF- marker anywhere in the first kilobyte (some files carry junk before it). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
  return head.includes('%PDF-');
}

function tooLarge(size: number, max: number): WukongError {
  const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  return new WukongError('TOO_LARGE', `The file is ${mb(size)}, larger than the ${mb(max)} limit.`);
}
