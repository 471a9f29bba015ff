import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DocumentSource } from '../api.js';
import { WukongError, toWukongError } from '../errors.js';
import { looksLikePdf } from '../pdf/signature.js';
import { readWholeFile } from '../util/fs.js';

export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/** Enough of a file's head to find the %PDF- marker (see looksLikePdf). */
const HEAD_BYTES = 1024;

/** A checked document source and its id (sha256), with the bytes only where the caller gave them. */
export type IdentifiedSource = { id: string; fileName: string; size: number } & ({ path: string } | { bytes: Uint8Array });

export interface LoadedSource {
  id: string;
  fileName: string;
  bytes: Uint8Array;
}

/**
 * Checks a document source and computes its id, refusing what is too large or plainly not a PDF before any
 * parsing. A file on disk is hashed as a stream and never held whole: a 300 MB file costs kilobytes here.
 */
export async function identifySource(source: DocumentSource, maxBytes = DEFAULT_MAX_BYTES): Promise<IdentifiedSource> {
  if ('path' in source) {
    if (typeof source.path !== 'string' || source.path === '') throw new WukongError('BAD_REQUEST', 'No file path was given.');
    const fileName = basename(source.fileName || source.path);
    return withFileErrors(source.path, async () => {
      const size = await checkedSize(source.path, maxBytes);
      if (!looksLikePdf(await readHead(source.path))) throw notPdf(fileName);
      return { id: await hashFile(source.path), fileName, size, path: source.path };
    });
  }
  if (!(source.bytes instanceof Uint8Array)) throw new WukongError('BAD_REQUEST', 'The file contents are missing.');
  if (source.bytes.byteLength > maxBytes) throw tooLarge(source.bytes.byteLength, maxBytes);
  const fileName = basename(source.fileName || 'document.pdf');
  if (!looksLikePdf(source.bytes)) throw notPdf(fileName);
  const id = createHash('sha256').update(source.bytes).digest('hex');
  return { id, fileName, size: source.bytes.byteLength, bytes: source.bytes };
}

/** identifySource, then the whole file in memory: for one-shot tools (`wukong parse`) that parse in this process. */
export async function loadSource(source: DocumentSource, maxBytes = DEFAULT_MAX_BYTES): Promise<LoadedSource> {
  const found = await identifySource(source, maxBytes);
  if ('bytes' in found) return { id: found.id, fileName: found.fileName, bytes: found.bytes };
  const bytes = await withFileErrors(found.path, () => readWholeFile(found.path));
  return { id: found.id, fileName: found.fileName, bytes };
}

async function checkedSize(path: string, maxBytes: number): Promise<number> {
  const info = await stat(path);
  if (!info.isFile()) throw new WukongError('NOT_FOUND', `${path} is not a file.`);
  if (info.size > maxBytes) throw tooLarge(info.size, maxBytes);
  return info.size;
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function withFileErrors<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const e = toWukongError(err);
    if (e.code === 'NOT_FOUND' && e.message === 'The file or document was not found.') {
      throw new WukongError('NOT_FOUND', `File not found: ${path}`);
    }
    throw e;
  }
}

function notPdf(fileName: string): WukongError {
  return new WukongError('NOT_PDF', `${fileName} is not a PDF (it does not start with %PDF).`);
}

function tooLarge(size: number, max: number): WukongError {
  const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  return new WukongError('TOO_LARGE', `The file is ${mb(size)}, larger than the ${mb(max)} limit.`);
}
