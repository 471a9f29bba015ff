/**
 * Versioned schema changes, applied in order on open and tracked by `PRAGMA user_version`. Each
 * runs in its own IMMEDIATE transaction that re-reads the version first, so two processes opening a
 * fresh data folder at once apply each migration exactly once. Released migrations never change:
 * a change to the schema is a new entry at the end.
 */
import { join } from 'node:path';
import { WukongError } from '../errors.js';
import type { Db } from './database.js';
import { importDocumentFolders } from './import-folders.js';

export interface MigrationContext {
  home: string;
}

export interface Migration {
  version: number;
  name: string;
  up(db: Db, ctx: MigrationContext): void;
}

const SCHEMA_1 = `
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  file_name TEXT NOT NULL,
  title TEXT NOT NULL,
  page_count INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  added_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('parsing', 'indexing', 'ready', 'failed', 'cancelled')),
  job_id TEXT,
  error TEXT,
  pages_without_text TEXT,
  parser TEXT
);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  doc_id TEXT,
  model_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',
  error TEXT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  owner_pid INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
CREATE INDEX jobs_doc ON jobs (doc_id);

CREATE TABLE library_index (
  doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  embedder_id TEXT NOT NULL,
  items INTEGER NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (doc_id, embedder_id)
);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  scope_key TEXT NOT NULL,
  scope TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX conversations_scope ON conversations (scope_key, updated_at);

CREATE TABLE turns (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  question TEXT NOT NULL,
  answer_text TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('done', 'failed', 'cancelled')),
  evidence TEXT NOT NULL,
  answer TEXT,
  error TEXT,
  asked_at TEXT NOT NULL
);
CREATE INDEX turns_conversation ON turns (conversation_id, id);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'documents, jobs, library index membership, conversations, settings', up: (db) => db.exec(SCHEMA_1) },
  // A library made by a version that kept one summary.json per document keeps all its documents.
  { version: 2, name: 'import the JSON library', up: (db, ctx) => void importDocumentFolders(db, join(ctx.home, 'library')) },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, ctx: MigrationContext, migrations: readonly Migration[] = MIGRATIONS): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const found = schemaVersion(db);
  if (found > latest) {
    throw new WukongError(
      'NOT_IMPLEMENTED',
      `The library in ${ctx.home} was written by a newer version of WuKong Reader (database version ${found}; this version knows up to ${latest}). Update WuKong Reader to open it.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= found) continue;
    const apply = db.transaction(() => {
      // Another process may have applied it between our read and our lock.
      if (schemaVersion(db) >= m.version) return;
      m.up(db, ctx);
      db.pragma(`user_version = ${m.version}`);
    });
    apply.immediate();
  }
}
