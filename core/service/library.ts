import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import { access, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DocumentSummary } from '../api.js';
import { toWriteError, WukongError } from '../errors.js';
import type { DocumentModel } from '../model/document.js';
import type { DocumentIndex } from '../retrieval/index.js';
import type { Store } from '../store/index.js';
import { copyFileAtomic, readWholeFile, writeFileAtomic, writeJsonAtomic } from '../util/fs.js';
import { xrefTailRoom } from '../pdf/xref-repair.js';

/**
 * The library: each document's summary is a row of the library database; its big blobs stay
 * files in one folder per document, named by the file's sha256.
 *   <home>/library/<id>/document.pdf   a copy of the user's file (so nothing is lost if the original moves)
 *   <home>/library/<id>/model.json     DocumentModel (parse result)
 *   <home>/library/<id>/index.json     DocumentIndex (retrieval index)
 * Blobs are written atomically and durably (fsync of the file and its folder) and checked when
 * read: a missing or damaged one reads as absent, and the service makes it anew.
 */
export class Library {
  readonly root: string;
  /** Removed documents' folders on their way out (a name no document id can have). */
  private readonly trash: string;

  constructor(
    home: string,
    private readonly store: Store,
  ) {
    this.root = join(home, 'library');
    this.trash = join(this.root, '.removed');
  }

  private dir(id: string): string {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new WukongError('NOT_FOUND', `No document with id ${id}.`);
    return join(this.root, id);
  }

  async list(): Promise<DocumentSummary[]> {
    return this.store.documents.list();
  }

  async getSummary(id: string): Promise<DocumentSummary | null> {
    this.dir(id);
    return this.store.documents.get(id);
  }

  async saveSummary(summary: DocumentSummary): Promise<void> {
    this.dir(summary.id);
    this.store.documents.save(summary);
  }

  async saveFile(id: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(join(this.dir(id), 'document.pdf'), bytes);
  }

  /** The user's file copied in by the file system, never held in memory here. */
  async saveFileFrom(id: string, source: string): Promise<void> {
    const target = this.filePath(id);
    if (resolve(source) === resolve(target)) return;
    await copyFileAtomic(source, target);
  }

  filePath(id: string): string {
    return join(this.dir(id), 'document.pdf');
  }

  async existingFilePath(id: string): Promise<string> {
    const path = this.filePath(id);
    try {
      await access(path);
    } catch {
      throw new WukongError('NOT_FOUND', `No document with id ${id}.`);
    }
    return path;
  }

  /**
   * Bytes that own their buffer, so a parse can move them to its worker and pdf.js without a copy; a large
   * file gets room to grow by a mended cross-reference section, again without a copy.
   */
  async readFile(id: string): Promise<Uint8Array> {
    try {
      return await readWholeFile(this.filePath(id), xrefTailRoom);
    } catch {
      throw new WukongError('NOT_FOUND', `No document with id ${id}.`);
    }
  }

  async saveModel(model: DocumentModel): Promise<void> {
    await writeJsonAtomic(join(this.dir(model.id), 'model.json'), model);
  }

  /** The saved parse, or null when it is missing or damaged (then it has to be parsed again). */
  async readModel(id: string): Promise<DocumentModel | null> {
    return readChecked(join(this.dir(id), 'model.json'), (m: DocumentModel) => m.id === id && Array.isArray(m.units) && Array.isArray(m.pages) && typeof m.parser?.version === 'string');
  }

  async saveIndex(id: string, index: DocumentIndex): Promise<void> {
    await writeJsonAtomic(join(this.dir(id), 'index.json'), index);
  }

  /** The saved retrieval index, or null when it is missing or damaged (then it is made again). */
  async readIndex(id: string): Promise<DocumentIndex | null> {
    return readChecked(join(this.dir(id), 'index.json'), (x: DocumentIndex) => x.docId === id && Array.isArray(x.items) && typeof x.lexical === 'object' && x.lexical !== null);
  }

  /**
   * Takes the document's folder out of the library at once (a rename, so it can run under the database's
   * write lock) for `discard` to delete.
   */
  moveAside(id: string): void {
    try {
      mkdirSync(this.trash, { recursive: true });
      renameSync(this.dir(id), join(this.trash, `${id}-${randomUUID()}`));
    } catch (err) {
      // No folder is as good as one moved away.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw toWriteError(err, this.root);
    }
  }

  /** Deletes every folder moved aside, also those a process that ended mid-removal left behind. */
  async discard(): Promise<void> {
    const names = await readdir(this.trash).catch(() => []);
    await Promise.all(names.map((n) => rm(join(this.trash, n), { recursive: true, force: true })));
  }
}

/**
 * A JSON blob that parses and has the shape `valid` expects; null otherwise. Damage (a power cut
 * before this version synced its files, a disk error) is logged, never thrown: the caller rebuilds.
 */
async function readChecked<T>(path: string, valid: (value: T) => boolean): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as T;
    if (value && typeof value === 'object' && valid(value)) return value;
  } catch {
    // Falls through to the report below.
  }
  console.error(`wukong: ${path} is damaged (${text.length} bytes); it will be made again.`);
  return null;
}
