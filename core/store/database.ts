/**
 * The library database: <home>/library.db (SQLite through better-sqlite3), shared by every process
 * that opens the same data folder (the app's service host, the `wukong` CLI, `wukong serve`).
 *
 * - WAL: readers never wait for the writer, and a process killed mid-write leaves the database as
 *   of its last commit (the write-ahead log is replayed or ignored on the next open).
 * - busy_timeout: two processes writing at once queue for up to 5 s instead of failing with SQLITE_BUSY.
 * - synchronous=FULL: each commit is flushed to the disk before it returns, so a power cut never
 *   loses a document or an answer the person already saw. Commits here are rare (a document state
 *   change, a job's progress once a second, a finished answer), so the fsync per commit costs
 *   nothing noticeable; NORMAL would stay consistent but could drop the last commits on power loss.
 * - foreign_keys: turns and index membership go with their conversation or document.
 */
import Database from 'better-sqlite3';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { WukongError, toWriteError, toWukongError } from '../errors.js';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export const DATABASE_FILE = 'library.db';
export const BUSY_TIMEOUT_MS = 5_000;

/** SQLite's own words for a file that is not (or no longer) a database. */
const DAMAGED = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

export function openDatabase(home: string): Db {
  try {
    mkdirSync(home, { recursive: true });
  } catch (err) {
    throw toWriteError(err, home);
  }
  const path = join(home, DATABASE_FILE);
  try {
    return prepare(path, home);
  } catch (err) {
    if (!DAMAGED.has(sqliteCode(err))) throw asWukongError(err, path);
    // A database damaged beyond SQLite's own recovery is kept aside for inspection and rebuilt from
    // the document folders, which still hold every document's file and parse.
    const aside = `${path}.damaged-${Date.now()}`;
    renameSync(path, aside);
    console.error(`wukong: ${path} was damaged; it was moved to ${aside} and the library was rebuilt from its folders.`);
    try {
      return prepare(path, home);
    } catch (again) {
      throw asWukongError(again, path);
    }
  }
}

function prepare(path: string, home: string): Db {
  // Electron's V8 differs from Node's: its launcher builds better-sqlite3 for Electron apart and names that build here.
  const nativeBinding = process.versions.electron ? process.env.WUKONG_SQLITE_BINDING : undefined;
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    toWal(db);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, { home });
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Switching a new database to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once instead of
 * waiting (no busy handler there): two processes opening a fresh library together (the app and the CLI) would
 * see "database is locked". The switch is retried for as long as any other write would wait.
 */
function toWal(db: Db): void {
  const until = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if (sqliteCode(err) !== 'SQLITE_BUSY' || Date.now() > until) throw err;
      Atomics.wait(pause, 0, 0, 10 + Math.random() * 20);
    }
  }
}

function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function asWukongError(err: unknown, path: string): WukongError {
  if (err instanceof WukongError) return err;
  const code = sqliteCode(err);
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_IOERR')) return toWriteError(err, path);
  if (code === 'SQLITE_FULL') return toWukongError(err);
  return new WukongError('INTERNAL', `The library database ${path} could not be opened.`, (err as Error | null)?.message ?? String(err));
}
