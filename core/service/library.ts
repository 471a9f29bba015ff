import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DocumentSummary } from '../api.js';
import { WukongError } from '../errors.js';
import type { DocumentModel } from '../model/document.js';
import type { DocumentIndex } from '../retrieval/index.js';
import { copyFileAtomic, readJson, readJsonOr, readRecords, readWholeFile, writeFileAtomic, writeJsonAtomic } from '../util/fs.js';

/**
 * The on-disk library: one folder per document, named by the file's sha256.
 *   <home>/library/<id>/document.pdf   a copy of the user's file (so nothing is lost if the original moves)
 *   <home>/library/<id>/summary.json   DocumentSummary
 *   <home>/library/<id>/model.json     DocumentModel (parse result)
 *   <home>/library/<id>/index.json     DocumentIndex (retrieval index)
 */
export class Library {
  readonly root: string;

  constructor(home: string) {
    this.root = join(home, 'library');
  }

  private dir(id: string): string {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new WukongError('NOT_FOUND', `No document with id ${id}.`);
    return join(this.root, id);
  }

  async list(): Promise<DocumentSummary[]> {
    const out = await readRecords<DocumentSummary>(this.root, 'summary.json', (name) => /^[0-9a-f]{64}$/.test(name));
    return out.sort((a, b) => a.addedAt.localeCompare(b.addedAt));
  }

  async getSummary(id: string): Promise<DocumentSummary | null> {
    return readJsonOr<DocumentSummary | null>(join(this.dir(id), 'summary.json'), null);
  }

  async saveSummary(summary: DocumentSummary): Promise<void> {
    await writeJsonAtomic(join(this.dir(summary.id), 'summary.json'), summary);
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

  /** Bytes that own their buffer, so a parse can move them to its worker and pdf.js without a copy. */
  async readFile(id: string): Promise<Uint8Array> {
    try {
      return await readWholeFile(this.filePath(id));
    } catch {
      throw new WukongError('NOT_FOUND', `No document with id ${id}.`);
    }
  }

  async saveModel(model: DocumentModel): Promise<void> {
    await writeJsonAtomic(join(this.dir(model.id), 'model.json'), model);
  }

  async readModel(id: string): Promise<DocumentModel> {
    try {
      return await readJson<DocumentModel>(join(this.dir(id), 'model.json'));
    } catch {
      throw new WukongError('NOT_FOUND', `Document ${id} has not been parsed yet.`);
    }
  }

  async saveIndex(id: string, index: DocumentIndex): Promise<void> {
    await writeJsonAtomic(join(this.dir(id), 'index.json'), index);
  }

  async readIndex(id: string): Promise<DocumentIndex | null> {
    return readJsonOr<DocumentIndex | null>(join(this.dir(id), 'index.json'), null);
  }

  async remove(id: string): Promise<void> {
    await rm(this.dir(id), { recursive: true, force: true });
  }
}
