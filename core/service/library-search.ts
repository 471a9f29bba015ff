import { join } from 'node:path';
import type { DocumentModel } from '../model/document.js';
import { type DocumentIndex, type Embedder } from '../retrieval/index.js';
import { LibraryIndex, libraryScope } from '../retrieval/library-index.js';
import { unpackVectors } from '../retrieval/vectors.js';

/** Up to this many documents a library question is scored exactly over all of them. */
export const EXACT_LIBRARY_DOCS = 8;

/**
 * Questions across the library: the HNSW index over every document's item vectors picks the
 * documents whose passages lie closest to the question; the sampler then scores inside those
 * documents exactly. Small libraries skip the narrowing (exact search is cheap and sees lexical hits).
 */
export class LibrarySearch {
  private opened?: { embedderId: string; index: Promise<LibraryIndex> };

  constructor(private readonly dir: string) {}

  private open(embedder: Embedder): Promise<LibraryIndex> {
    if (this.opened?.embedderId !== embedder.id) {
      this.opened = { embedderId: embedder.id, index: LibraryIndex.open(join(this.dir), { embedderId: embedder.id, dims: embedder.dims }) };
    }
    return this.opened.index;
  }

  async add(docId: string, index: DocumentIndex, embedder: Embedder | null): Promise<void> {
    if (!embedder || !index.vectors || index.embedderId !== embedder.id) return;
    await (await this.open(embedder)).addDocument(docId, unpackVectors(index.vectors), embedder.id);
  }

  async remove(docId: string, embedder: Embedder | null): Promise<void> {
    if (embedder) await (await this.open(embedder)).removeDocument(docId);
  }

  /**
   * The documents to score for a library question. `load` brings a ready document with its index,
   * so documents indexed before the library index existed are added on the way.
   */
  async narrow(
    readyIds: string[],
    question: string,
    embedder: Embedder | null,
    load: (id: string) => Promise<{ doc: DocumentModel; index: DocumentIndex }>,
  ): Promise<string[]> {
    if (readyIds.length <= EXACT_LIBRARY_DOCS || !embedder) return readyIds;
    const lib = await this.open(embedder);
    for (const id of readyIds) if (!lib.has(id)) await this.add(id, (await load(id)).index, embedder);
    const ready = new Set(readyIds);
    const picked = (await libraryScope(lib, embedder, question, EXACT_LIBRARY_DOCS)).filter((id) => ready.has(id));
    return picked.length ? picked : readyIds.slice(0, EXACT_LIBRARY_DOCS);
  }
}
