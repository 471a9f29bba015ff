/** The documents table: one DocumentSummary a row (the parse and index stay files in the document's folder). */
import type { DocumentStatus, DocumentSummary, ErrorInfo } from '../api.js';
import type { Db } from './database.js';

interface Row {
  id: string;
  file_name: string;
  title: string;
  page_count: number;
  bytes: number;
  added_at: string;
  status: DocumentStatus;
  job_id: string | null;
  error: string | null;
  pages_without_text: string | null;
  parser: string | null;
}

const COLUMNS = 'id, file_name, title, page_count, bytes, added_at, status, job_id, error, pages_without_text, parser';

function toRow(s: DocumentSummary): Row {
  return {
    id: s.id,
    file_name: s.fileName,
    title: s.title,
    page_count: s.pageCount,
    bytes: s.bytes,
    added_at: s.addedAt,
    status: s.status,
    job_id: s.jobId ?? null,
    error: s.error ? JSON.stringify(s.error) : null,
    pages_without_text: s.pagesWithoutText ? JSON.stringify(s.pagesWithoutText) : null,
    parser: s.parser ?? null,
  };
}

function fromRow(r: Row): DocumentSummary {
  const s: DocumentSummary = { id: r.id, fileName: r.file_name, title: r.title, pageCount: r.page_count, bytes: r.bytes, addedAt: r.added_at, status: r.status };
  if (r.job_id !== null) s.jobId = r.job_id;
  if (r.error !== null) s.error = JSON.parse(r.error) as ErrorInfo;
  if (r.pages_without_text !== null) s.pagesWithoutText = JSON.parse(r.pages_without_text) as number[];
  if (r.parser !== null) s.parser = r.parser;
  return s;
}

export class DocumentStore {
  constructor(private readonly db: Db) {}

  list(): DocumentSummary[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM documents ORDER BY added_at, id`).all() as Row[]).map(fromRow);
  }

  get(id: string): DocumentSummary | null {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM documents WHERE id = ?`).get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  save(summary: DocumentSummary): void {
    this.db
      .prepare(
        `INSERT INTO documents (${COLUMNS}) VALUES (@id, @file_name, @title, @page_count, @bytes, @added_at, @status, @job_id, @error, @pages_without_text, @parser)
         ON CONFLICT (id) DO UPDATE SET file_name = excluded.file_name, title = excluded.title, page_count = excluded.page_count,
           bytes = excluded.bytes, added_at = excluded.added_at, status = excluded.status, job_id = excluded.job_id,
           error = excluded.error, pages_without_text = excluded.pages_without_text, parser = excluded.parser`,
      )
      .run(toRow(summary));
  }

  /** Adds the document unless one with its id is already there; true when it was added. */
  insertMissing(summary: DocumentSummary): boolean {
    return this.db.prepare(`INSERT OR IGNORE INTO documents (${COLUMNS}) VALUES (@id, @file_name, @title, @page_count, @bytes, @added_at, @status, @job_id, @error, @pages_without_text, @parser)`).run(toRow(summary)).changes > 0;
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
  }
}
