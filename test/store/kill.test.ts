/**
 * A process killed (SIGKILL) in the middle of writing to the library: the database opens, passes
 * its integrity check and holds every entry the process reported committed; the atomically
 * written blob is whole. Repeated at random moments.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../core/store/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { tempHome } from '../helpers/cli.js';
import { withLibraryDb } from '../helpers/library-db.js';

const WRITER = join(import.meta.dirname, 'fixtures', 'writer.mjs');

/** Starts the writer, kills it after `ms` of writing, and returns the last count it reported. */
function writeThenKill(home: string, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // The clock starts at the first commit, so the kill lands in the write loop, not in start-up.
      timer ??= setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended by itself: ${err}`));
      const counts = [...out.matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));
      resolve(counts.at(-1) ?? 0);
    });
  });
}

describe('a writer killed with SIGKILL mid-write', () => {
  it('leaves a database that opens, checks clean and keeps every committed entry', async () => {
    ensureBuilt();
    for (let round = 0; round < 4; round++) {
      const home = tempHome();
      const committed = await writeThenKill(home, 150 + Math.floor(Math.random() * 600));
      expect(committed).toBeGreaterThan(0);
      withLibraryDb(home, (db) => expect(db.pragma('integrity_check', { simple: true })).toBe('ok'));
      const store = openStore(home);
      try {
        const turns = store.conversations.get('conv')!.turns;
        // Every reported commit is there; at most the one in flight when the kill came is extra.
        expect(turns.length).toBeGreaterThanOrEqual(committed);
        expect(turns.length).toBeLessThanOrEqual(committed + 1);
        expect(turns.slice(0, committed).map((t) => t.question)).toEqual(Array.from({ length: committed }, (_, i) => `question ${i + 1}`));
        expect(store.documents.list().length).toBeGreaterThanOrEqual(committed);
        expect(store.documents.get(committed.toString(16).padStart(64, '0'))).toMatchObject({ title: `Document ${committed}`, status: 'ready' });
      } finally {
        store.close();
      }
      const blob = JSON.parse(readFileSync(join(home, 'blob.json'), 'utf8')) as { n: number };
      expect(blob.n).toBeGreaterThanOrEqual(committed);
      expect(blob.n).toBeLessThanOrEqual(committed + 1);
    }
  }, 60_000);
});
