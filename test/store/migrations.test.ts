/**
 * The library database from nothing, from a library an older version kept as JSON files, from a
 * file that is not a database, and from a newer version's database.
 */
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createService } from '../../core/service/index.js';
import { openDatabase } from '../../core/store/database.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../core/store/migrations.js';
import { openStore } from '../../core/store/index.js';
import { tempHome } from '../helpers/cli.js';
import { withLibraryDb } from '../helpers/library-db.js';
import { makePdf } from '../helpers/pdf.js';

const TEXT = 'Honey bees tell their hive mates where the flowers are with a waggle dance on the comb.';

describe('migrations', () => {
  it('creates every table on an empty data folder, in WAL mode with foreign keys, at the latest version', () => {
    const home = tempHome();
    const db = openDatabase(home);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['documents', 'jobs', 'library_index', 'conversations', 'turns', 'settings']));
      // Opening again applies nothing twice.
      migrate(db, { home });
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('applies each migration once, in order, and rolls back one that fails', () => {
    const home = tempHome();
    const db = openDatabase(home);
    try {
      const extra = [
        ...MIGRATIONS,
        { version: SCHEMA_VERSION + 1, name: 'a table', up: (d: typeof db) => void d.exec('CREATE TABLE extra (x INTEGER)') },
        { version: SCHEMA_VERSION + 2, name: 'broken', up: (d: typeof db) => void d.exec('CREATE TABLE half (x INTEGER); SELECT * FROM missing_table') },
      ];
      expect(() => migrate(db, { home }, extra)).toThrow();
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
      const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      expect(names).toContain('extra');
      expect(names).not.toContain('half');
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer version with a clear error', () => {
    const home = tempHome();
    openDatabase(home).close();
    withLibraryDb(home, (db) => db.pragma(`user_version = ${SCHEMA_VERSION + 5}`));
    expect(() => openDatabase(home)).toThrow(expect.objectContaining({ code: 'NOT_IMPLEMENTED', message: expect.stringContaining('newer version') }));
  });

  it('keeps every document of a library an older version kept as summary.json files', async () => {
    const home = tempHome();
    const service = await createService({ home });
    const bytes = await makePdf([[TEXT]], { title: 'Bees' });
    const { document, job } = await service.openDocument({ bytes, fileName: 'bees.pdf' });
    await service.waitForJob(job!.id);
    const [summary] = await service.listDocuments();
    await service.close();
    // What the JSON-only version left: the same folders, a summary.json in each, no database.
    for (const f of readdirSync(home)) if (f.startsWith('library.db')) rmSync(join(home, f));
    writeFileSync(join(home, 'library', document.id, 'summary.json'), JSON.stringify(summary));
    // A second document whose summary.json was lost is described from its parse.
    const otherHome = tempHome();
    const other = await createService({ home: otherHome });
    const more = await other.openDocument({ bytes: await makePdf([['Glaciers in the Alps have lost half their ice since 1950.']]), fileName: 'ice.pdf' });
    await other.waitForJob(more.job!.id);
    await other.close();
    cpSync(join(otherHome, 'library', more.document.id), join(home, 'library', more.document.id), { recursive: true });

    const upgraded = await createService({ home });
    try {
      const docs = await upgraded.listDocuments();
      expect(docs.find((d) => d.id === document.id)).toEqual(summary);
      expect(docs.find((d) => d.id === more.document.id)).toMatchObject({ status: 'ready', fileName: 'ice.pdf', pageCount: 1 });
      const evidence = await upgraded.retrieve({ library: true }, 'How do bees show where flowers are?');
      expect(evidence[0]).toMatchObject({ docId: document.id });
      expect(evidence[0].text).toContain('waggle dance');
    } finally {
      await upgraded.close();
    }
  });

  it('sets a damaged database file aside and rebuilds the library from its folders', async () => {
    const home = tempHome();
    const service = await createService({ home });
    const { document, job } = await service.openDocument({ bytes: await makePdf([[TEXT]]), fileName: 'bees.pdf' });
    await service.waitForJob(job!.id);
    await service.close();
    for (const f of readdirSync(home)) if (f.startsWith('library.db')) rmSync(join(home, f));
    writeFileSync(join(home, 'library.db'), Buffer.alloc(8192, 0x5a));
    const store = openStore(home);
    try {
      expect(store.documents.get(document.id)).toMatchObject({ status: 'ready', fileName: 'bees.pdf' });
      expect(readdirSync(home).some((f) => f.startsWith('library.db.damaged-'))).toBe(true);
      expect(existsSync(join(home, 'library.db'))).toBe(true);
    } finally {
      store.close();
    }
  });
});
