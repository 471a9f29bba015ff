/**
 * Which documents belong in the library index (the HNSW graph over every document's item vectors),
 * per embedder, with their item counts. The database is the record; the graph files are a cache
 * that is checked against it and rebuilt or topped up when they disagree.
 */
import type { Db } from './database.js';

export class LibraryMembers {
  constructor(private readonly db: Db) {}

  /** docId -> item count, for one embedder. */
  list(embedderId: string): Map<string, number> {
    const rows = this.db.prepare('SELECT doc_id, items FROM library_index WHERE embedder_id = ?').all(embedderId) as { doc_id: string; items: number }[];
    return new Map(rows.map((r) => [r.doc_id, r.items]));
  }

  /** A document's membership under one embedder replaces any it had (its index was made anew). */
  set(docId: string, embedderId: string, items: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM library_index WHERE doc_id = ?').run(docId);
      this.db.prepare('INSERT INTO library_index (doc_id, embedder_id, items, added_at) VALUES (?, ?, ?, ?)').run(docId, embedderId, items, new Date().toISOString());
    })();
  }

  remove(docId: string): void {
    this.db.prepare('DELETE FROM library_index WHERE doc_id = ?').run(docId);
  }
}
