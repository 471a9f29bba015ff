/**
 * Approximate nearest-neighbour index over every document's item vectors (hnswlib-node), for
 * questions across the library: find which documents hold the closest items, then retrieve inside
 * those documents exactly (retrieveEvidence). Persisted in one folder and updated per document.
 *
 * Files: <dir>/library.hnsw (the graph) and <dir>/library.json (labels -> document items).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { HierarchicalNSW as Hnsw } from 'hnswlib-node';
import { WukongError } from '../errors.js';

const require = createRequire(import.meta.url);

export interface LibraryHit {
  docId: string;
  /** Item index in that document's DocumentIndex.items (and vectors). */
  item: number;
  /** Cosine similarity. */
  score: number;
}

interface Meta {
  version: 1;
  embedderId: string | null;
  dims: number;
  capacity: number;
  nextLabel: number;
  /** docId -> label of each of its items, in item order. */
  docs: Record<string, number[]>;
}

export interface LibraryIndexOptions {
  /** Vectors of another embedder cannot be compared: opening with a different id starts empty. */
  embedderId?: string;
  dims?: number;
  /** HNSW graph degree and build beam (defaults 16, 200); ef at search time (default 64). */
  m?: number;
  efConstruction?: number;
  ef?: number;
}

const INITIAL_CAPACITY = 4096;

export class LibraryIndex {
  private meta: Meta;
  private hnsw: Hnsw | null;
  private readonly dir: string;
  private readonly options: LibraryIndexOptions;
  private byLabel = new Map<number, { docId: string; item: number }>();

  private constructor(dir: string, meta: Meta, hnsw: Hnsw | null, options: LibraryIndexOptions) {
    this.dir = dir;
    this.meta = meta;
    this.hnsw = hnsw;
    this.options = options;
    for (const [docId, labels] of Object.entries(meta.docs)) labels.forEach((l, item) => this.byLabel.set(l, { docId, item }));
  }

  /** Opens (or creates) the index in `dir`. */
  static async open(dir: string, options: LibraryIndexOptions = {}): Promise<LibraryIndex> {
    await mkdir(dir, { recursive: true });
    const metaPath = join(dir, 'library.json');
    const graphPath = join(dir, 'library.hnsw');
    let meta: Meta | null = null;
    if (existsSync(metaPath) && existsSync(graphPath)) {
      meta = JSON.parse(await readFile(metaPath, 'utf8')) as Meta;
      const sameModel = options.embedderId === undefined || options.embedderId === meta.embedderId;
      const sameDims = options.dims === undefined || options.dims === meta.dims;
      if (!sameModel || !sameDims) meta = null;
    }
    if (!meta) {
      const empty: Meta = { version: 1, embedderId: options.embedderId ?? null, dims: options.dims ?? 0, capacity: 0, nextLabel: 0, docs: {} };
      return new LibraryIndex(dir, empty, null, options);
    }
    const hnsw = LibraryIndex.create(meta.dims);
    await hnsw.readIndex(graphPath, true);
    hnsw.setEf(options.ef ?? 64);
    return new LibraryIndex(dir, meta, hnsw, options);
  }

  private static create(dims: number): Hnsw {
    const { HierarchicalNSW } = require('hnswlib-node') as typeof import('hnswlib-node');
    return new HierarchicalNSW('cosine', dims);
  }

  get embedderId(): string | null {
    return this.meta.embedderId;
  }

  get size(): number {
    return this.byLabel.size;
  }

  documents(): string[] {
    return Object.keys(this.meta.docs);
  }

  has(docId: string): boolean {
    return docId in this.meta.docs;
  }

  /** Adds a document's item vectors (replacing any it had), then saves. */
  async addDocument(docId: string, vectors: ArrayLike<number>[], embedderId?: string): Promise<void> {
    if (!vectors.length) {
      await this.removeDocument(docId);
      return;
    }
    const dims = vectors[0].length;
    if (embedderId && this.meta.embedderId && embedderId !== this.meta.embedderId) {
      throw new WukongError('BAD_REQUEST', 'These vectors come from another embedder than the library index.', `${embedderId} vs ${this.meta.embedderId}`);
    }
    if (!this.hnsw) {
      this.meta.dims = dims;
      this.meta.embedderId = embedderId ?? this.meta.embedderId;
      this.meta.capacity = Math.max(INITIAL_CAPACITY, vectors.length * 2);
      this.hnsw = LibraryIndex.create(dims);
      this.hnsw.initIndex(this.meta.capacity, this.options.m ?? 16, this.options.efConstruction ?? 200, 100, true);
      this.hnsw.setEf(this.options.ef ?? 64);
    } else if (dims !== this.meta.dims) {
      throw new WukongError('BAD_REQUEST', `Vectors have ${dims} dimensions; the library index has ${this.meta.dims}.`);
    }
    this.unlink(docId);
    const needed = this.hnsw.getCurrentCount() + vectors.length;
    if (needed > this.meta.capacity) {
      this.meta.capacity = Math.max(needed, this.meta.capacity * 2);
      this.hnsw.resizeIndex(this.meta.capacity);
    }
    const labels: number[] = [];
    vectors.forEach((v, item) => {
      const label = this.meta.nextLabel++;
      // replaceDeleted: slots of removed documents are reused, so the file does not only grow.
      this.hnsw!.addPoint(Array.from(v), label, true);
      labels.push(label);
      this.byLabel.set(label, { docId, item });
    });
    this.meta.docs[docId] = labels;
    await this.save();
  }

  async removeDocument(docId: string): Promise<void> {
    if (!(docId in this.meta.docs)) return;
    this.unlink(docId);
    await this.save();
  }

  private unlink(docId: string): void {
    for (const label of this.meta.docs[docId] ?? []) {
      this.hnsw?.markDelete(label);
      this.byLabel.delete(label);
    }
    delete this.meta.docs[docId];
  }

  /** The k nearest items across the library, best first. */
  search(vector: ArrayLike<number>, k: number): LibraryHit[] {
    if (!this.hnsw || this.byLabel.size === 0 || k <= 0) return [];
    const n = Math.min(k, this.byLabel.size);
    const { neighbors, distances } = this.hnsw.searchKnn(Array.from(vector), n);
    const hits: LibraryHit[] = [];
    neighbors.forEach((label, i) => {
      const at = this.byLabel.get(label);
      if (at) hits.push({ ...at, score: 1 - distances[i] });
    });
    return hits;
  }

  /** Documents in order of their best hit: the scope to retrieve from exactly. */
  searchDocuments(vector: ArrayLike<number>, maxDocs: number, itemsPerQuery = 50): string[] {
    const out: string[] = [];
    for (const h of this.search(vector, itemsPerQuery)) {
      if (!out.includes(h.docId)) out.push(h.docId);
      if (out.length >= maxDocs) break;
    }
    return out;
  }

  private async save(): Promise<void> {
    if (!this.hnsw) return;
    const graph = join(this.dir, 'library.hnsw');
    const meta = join(this.dir, 'library.json');
    await this.hnsw.writeIndex(`${graph}.tmp`);
    await rename(`${graph}.tmp`, graph);
    await writeFile(`${meta}.tmp`, JSON.stringify(this.meta));
    await rename(`${meta}.tmp`, meta);
  }
}

/**
 * The documents to retrieve from for a question over the whole library: those holding the items
 * nearest to the question vector. Exact retrieval (retrieveEvidence) then runs inside them.
 */
export async function libraryScope(
  library: LibraryIndex,
  embedder: { id: string; embedQuery?(text: string): Promise<Float32Array>; embed(texts: string[]): Promise<Float32Array[]> },
  question: string,
  maxDocs = 5,
): Promise<string[]> {
  if (library.embedderId !== embedder.id) return [];
  const v = embedder.embedQuery ? await embedder.embedQuery(question) : (await embedder.embed([question]))[0];
  return library.searchDocuments(v, maxDocs);
}
