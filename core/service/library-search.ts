import type { DocumentModel } from '../model/document.js';
import { type DocumentIndex, type Embedder } from '../retrieval/index.js';
import { LibraryIndex, libraryScope } from '../retrieval/library-index.js';
import { unpackVectors } from '../retrieval/vectors.js';
import type { LibraryMembers } from '../store/library-members.js';

/** Up to this many documents a library question is scored exactly over all of them. */
export const EXACT_LIBRARY_DOCS = 8;

type Load = (id: string) => Promise<{ doc: DocumentModel; index: DocumentIndex }>;

/**
 * Questions across the library: the HNSW index over every document's item vectors picks the
 * documents whose passages lie closest to the question; the sampler then scores inside those
 * documents exactly. Small libraries skip the narrowing (exact search is cheap and sees lexical hits).
 *
 * Which documents belong in the graph is recorded in the library database; the graph files are a
 * cache. Before each use the graph is brought in line with that record, so a document another
 * process added (whose graph write this process then overwrote), or files left empty or truncated
 * by a crash, are put right from the documents' own index vectors instead of failing the question.
 */
export class LibrarySearch {
  private opened?: { embedderId: string; index: Promise<LibraryIndex> };
  /** One change at a time: two index jobs finishing together must not interleave on one graph. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly members: LibraryMembers,
    private readonly exactDocs = EXACT_LIBRARY_DOCS,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }

  private open(embedder: Embedder): Promise<LibraryIndex> {
    if (this.opened?.embedderId !== embedder.id) {
      this.opened = { embedderId: embedder.id, index: LibraryIndex.open(this.dir, { embedderId: embedder.id, dims: embedder.dims }) };
    }
    return this.opened.index;
  }

  /** Records the document as a member and adds its vectors to the graph. */
  add(docId: string, index: DocumentIndex, embedder: Embedder | null): Promise<void> {
    if (!embedder || !index.vectors || index.embedderId !== embedder.id) return Promise.resolve();
    const vectors = index.vectors;
    this.members.set(docId, embedder.id, vectors.count);
    return this.serial(async () => (await this.open(embedder)).addDocument(docId, unpackVectors(vectors), embedder.id));
  }

  remove(docId: string, embedder: Embedder | null): Promise<void> {
    this.members.remove(docId);
    if (!embedder) return Promise.resolve();
    return this.serial(async () => (await this.open(embedder)).removeDocument(docId));
  }

  /**
   * The documents to score for a library question. `load` brings a ready document with its index,
   * so documents indexed before the library index existed are added on the way.
   */
  async narrow(readyIds: string[], question: string, embedder: Embedder | null, load: Load): Promise<string[]> {
    if (readyIds.length <= this.exactDocs || !embedder) return readyIds;
    const lib = await this.serial(() => this.reconcile(readyIds, embedder, load));
    const ready = new Set(readyIds);
    const picked = (await libraryScope(lib, embedder, question, this.exactDocs)).filter((id) => ready.has(id));
    return picked.length ? picked : readyIds.slice(0, this.exactDocs);
  }

  /**
   * Makes the graph hold exactly the recorded members (every ready document becomes one): adds the
   * missing, drops the removed, re-adds those whose item count differs.
   */
  private async reconcile(readyIds: string[], embedder: Embedder, load: Load): Promise<LibraryIndex> {
    const lib = await this.open(embedder);
    let members = this.members.list(embedder.id);
    for (const id of readyIds) {
      if (members.has(id)) continue;
      const { index } = await load(id);
      if (index.vectors && index.embedderId === embedder.id) this.members.set(id, embedder.id, index.vectors.count);
    }
    members = this.members.list(embedder.id);
    for (const id of lib.documents()) if (!members.has(id)) await lib.removeDocument(id);
    for (const [id, items] of members) {
      if (lib.itemCount(id) === items) continue;
      const { index } = await load(id).catch(() => ({ index: null }));
      if (index?.vectors && index.embedderId === embedder.id) {
        // A document indexed anew since it was recorded is recorded with its new count.
        if (index.vectors.count !== items) this.members.set(id, embedder.id, index.vectors.count);
        await lib.addDocument(id, unpackVectors(index.vectors), embedder.id);
      } else this.members.remove(id);
    }
    return lib;
  }
}
