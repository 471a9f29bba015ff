import Database from 'better-sqlite3';
import { join } from 'node:path';

/** Opens a data folder's library database directly, to set up what another process or an older version would have left. */
export function withLibraryDb<T>(home: string, work: (db: Database.Database) => T): T {
  const db = new Database(join(home, 'library.db'), { timeout: 5_000 });
  try {
    return work(db);
  } finally {
    db.close();
  }
}
