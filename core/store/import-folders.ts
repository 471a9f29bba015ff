/**
 * Brings document folders into the documents table: the library of a version that kept one
 * summary.json per document, and the folders left when a damaged database had to be set aside.
 * A folder without a readable summary is described from its parse (model.json), else from its
 * PDF alone (then it reads as interrupted, so opening it again parses it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentSummary } from '../api.js';
import type { DocumentModel } from '../model/document.js';
import type { Db } from './database.js';
import { DocumentStore } from './documents.js';

const DOC_ID = /^[0-9a-f]{64}$/;

export function importDocumentFolders(db: Db, libraryRoot: string): number {
  let names: string[];
  try {
    names = readdirSync(libraryRoot).filter((n) => DOC_ID.test(n));
  } catch {
    return 0;
  }
  const store = new DocumentStore(db);
  let added = 0;
  for (const id of names) {
    const summary = describeFolder(join(libraryRoot, id), id);
    if (summary && store.insertMissing(summary)) added++;
  }
  return added;
}

function readJsonSync<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

function isSummary(v: unknown, id: string): v is DocumentSummary {
  const s = v as Partial<DocumentSummary> | null;
  return !!s && s.id === id && typeof s.fileName === 'string' && typeof s.addedAt === 'string' && typeof s.status === 'string';
}

function describeFolder(dir: string, id: string): DocumentSummary | null {
  const stored = readJsonSync<unknown>(join(dir, 'summary.json'));
  if (isSummary(stored, id)) {
    return { ...stored, title: stored.title ?? stored.fileName, pageCount: stored.pageCount ?? 0, bytes: stored.bytes ?? 0 };
  }
  const pdf = join(dir, 'document.pdf');
  if (!existsSync(pdf)) return null;
  const stat = statSync(pdf);
  const base = { id, bytes: stat.size, addedAt: stat.mtime.toISOString() };
  const model = readJsonSync<DocumentModel>(join(dir, 'model.json'));
  if (model?.id === id && model.parser?.version) {
    return {
      ...base,
      fileName: model.fileName,
      title: model.title || model.fileName.replace(/\.pdf$/i, ''),
      pageCount: model.pageCount,
      status: 'ready',
      parser: model.parser.version,
    };
  }
  return {
    ...base,
    fileName: 'document.pdf',
    title: 'document',
    pageCount: 0,
    status: 'cancelled',
    error: { code: 'CANCELLED', message: 'Preparing this document was interrupted; open it again to finish.' },
  };
}
