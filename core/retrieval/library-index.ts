/**
 * Approximate nearest-neighbour index over every document's item vectors (hnswlib-node), for
 * questions across the library: find which documents hold the closest items, then retrieve inside
 * those documents exactly (retrieveEvidence). Persisted in one folder and updated per document.
 *
 * Files: <dir>/library.hnsw (the graph) and <dir>/library.json (labels -> document items, and the
 * graph file's size and sha256). The files are a cache: each is written under a name of its own,
 * synced and renamed into place, and a pair that does not match (empty, truncated, or the halves
 * of two processes' writes) opens as an empty index for the caller to fill again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open as openFile, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { HierarchicalNSW as Hnsw } from 'hnswlib-node';
import { WukongError } from '../errors.js';
import { syncFolder, writeJsonAtomic } from '../util/fs.js';

const require = createRequire(import.meta.url);

export interface LibraryHit {
  docId: string;
  /** Item index in that document's DocumentIndex.items (and vectors). */
  item: number;
  /** Cosine similarity. */
  score: number;
}

interface Meta {
  version: 2;
  embedderId: string | null;
  dims: number;
  capacity: number;
  nextLabel: number;
  /** docId -> label of each of its items, in item order. */
  docs: Record<string, number[]>;
  /** The graph file this record was written with. */
  graph: { bytes: number; sha256: string };
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
/** Temp files this old were left by a process that died while writing. */
const STALE_TEMP_MS = 10 * 60_000;

export class LibraryIndex {
  private meta: Meta;
  private hnsw: Hnsw | null;
  private readonly dir: string;
  private readonly options: LibraryIndexOptions;
  private byLabel = new Map<number, { docId: string; item: number }>();
  /** True when the files on disk could not be used and this index started empty. */
  damaged = false;

  private constructor(dir: string, meta: Meta, hnsw: Hnsw | null, options: LibraryIndexOptions) {
    this.dir = dir;
    this.meta = meta;
    this.hnsw = hnsw;
    this.options = options;
    for (const [docId, labels] of Object.entries(meta.docs)) labels.forEach((l, item) => this.byLabel.set(l, { docId, item }));
  }

  /**
   * Opens (or creates) the index in `dir`. Files that are missing, damaged, inconsistent with each
   * other or made for another embedder open as an empty index (`damaged` is set for the first two).
   */
  static async open(dir: string, options: LibraryIndexOptions = {}): Promise<LibraryIndex> {
    await mkdir(dir, { recursive: true });
    const metaPath = join(dir, 'library.json');
    const graphPath = join(dir, 'library.hnsw');
    const empty = (): LibraryIndex => {
      const meta: Meta = { version: 2, embedderId: options.embedderId ?? null, dims: options.dims ?? 0, capacity: 0, nextLabel: 0, docs: {}, graph: { bytes: 0, sha256: '' } };
      return new LibraryIndex(dir, meta, null, options);
    };
    if (!existsSync(metaPath) && !existsSync(graphPath)) return empty();
    try {
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Meta;
      if (!validMeta(meta)) throw new Error('library.json is not a library index record of this version');
      const sameModel = options.embedderId === undefined || options.embedderId === meta.embedderId;
      const sameDims = options.dims === undefined || options.dims === meta.dims;
      if (!sameModel || !sameDims) return empty();
      // Checked before hnswlib reads it: a truncated or foreign graph must never reach native code.
      const bytes = await readFile(graphPath);
      if (bytes.byteLength !== meta.graph.bytes || sha256(bytes) !== meta.graph.sha256) throw new Error('library.hnsw does not match library.json');
      const hnsw = LibraryIndex.create(meta.dims);
      await hnsw.readIndex(graphPath, true);
      const labels = Object.values(meta.docs).reduce((n, l) => n + l.length, 0);
      if (hnsw.getCurrentCount() < labels) throw new Error('library.hnsw holds fewer items than library.json names');
      hnsw.setEf(options.ef ?? 64);
      return new LibraryIndex(dir, meta, hnsw, options);
    } catch (err) {
      console.error(`wukong: the library index in ${dir} is damaged or incomplete (${(err as Error).message}); it is rebuilt from the documents.`);
      const index = empty();
      index.damaged = true;
      return index;
    }
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

  /** How many items of the document are in the graph (0 when it is not). */
  itemCount(docId: string): number {
    return this.meta.docs[docId]?.length ?? 0;
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

  /**
   * Graph first, then the record naming its size and hash, each under a temp name of its own
   * (several processes may save at once) and synced before it is renamed into place.
   */
  private async save(): Promise<void> {
    if (!this.hnsw) return;
    const graph = join(this.dir, 'library.hnsw');
    const tmp = `${graph}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await this.hnsw.writeIndex(tmp);
      const handle = await openFile(tmp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const bytes = await readFile(tmp);
      this.meta.graph = { bytes: bytes.byteLength, sha256: sha256(bytes) };
      await rename(tmp, graph);
      await syncFolder(this.dir);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await writeJsonAtomic(join(this.dir, 'library.json'), this.meta);
    await this.dropStaleTemps();
  }

  private async dropStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith('.tmp')) continue;
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
    }
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function validMeta(m: Meta | null): m is Meta {
  return (
    !!m && m.version === 2 && typeof m.dims === 'number' && typeof m.capacity === 'number' && typeof m.nextLabel === 'number' &&
    typeof m.docs === 'object' && m.docs !== null && Object.values(m.docs).every(Array.isArray) &&
    typeof m.graph?.bytes === 'number' && typeof m.graph.sha256 === 'string'
  );
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
