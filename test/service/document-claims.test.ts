/**
 * Real processes racing for one document on one library, released at the same millisecond: two
 * opens of one PDF parse it once between them, and a removal racing an open never leaves a document
 * without its files nor takes the files from under a running parse.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../core/store/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { tempHome } from '../helpers/cli.js';
import { withLibraryDb } from '../helpers/library-db.js';
import { makePdf } from '../helpers/pdf.js';

const SCRIPT = join(import.meta.dirname, 'fixtures', 'race.mjs');

interface Racer {
  output: () => string;
  exited: Promise<number | null>;
  /** Set once the process has ended. */
  code?: number | null;
}

function racer(home: string, action: 'open' | 'remove', target: string, delayMs = 0): Racer {
  const child = spawn(process.execPath, [SCRIPT, action, target, join(home, 'go'), String(delayMs)], { env: { ...process.env, WUKONG_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const r: Racer = { output: () => out, exited: new Promise((resolve) => child.on('exit', (code) => resolve((r.code = code)))) };
  return r;
}

/**
 * Once every racer has its service up, names a moment shortly ahead for all of them to act at. Starting a
 * service takes seconds while the rest of the suite loads both cores; a racer that ended before it was
 * ready fails the test at once, with what it printed.
 */
async function release(home: string, racers: Racer[]): Promise<void> {
  const ready = (): boolean => {
    const ended = racers.find((r) => r.code !== undefined);
    if (ended) throw new Error(`a racer ended (exit ${ended.code}) before the release:\n${ended.output()}`);
    return racers.every((r) => r.output().includes('waiting\n'));
  };
  await expect.poll(ready, { timeout: 60_000, interval: 20 }).toBe(true);
  writeFileSync(join(home, 'go'), String(Date.now() + 150));
}

/**
 * A short paper carrying `padding` bytes of incompressible attachment: copying a large file into the
 * library takes a while, and a check-then-act without a claim races across that copy.
 */
async function paper(home: string, padding = 0): Promise<{ path: string; id: string }> {
  const pdf = await PDFDocument.load(await makePdf(Array.from({ length: 20 }, (_, i) => [`Page ${i + 1} says that random effects vary between the groups of a mixed model.`])));
  if (padding) await pdf.attach(randomBytes(padding), 'data.bin', { mimeType: 'application/octet-stream' });
  const bytes = await pdf.save();
  const path = join(home, 'paper.pdf');
  writeFileSync(path, bytes);
  return { path, id: createHash('sha256').update(bytes).digest('hex') };
}

function documentRows(home: string): { id: string; status: string }[] {
  return withLibraryDb(home, (db) => db.prepare('SELECT id, status FROM documents').all() as { id: string; status: string }[]);
}

describe('processes racing for one document', () => {
  it('two opening one PDF at the same moment parse it once between them, and both see it ready', async () => {
    ensureBuilt();
    // Without a claim the second open slips in most times, not every time: a few rounds make it show.
    for (let round = 0; round < 3; round++) {
      const home = tempHome();
      const { path, id } = await paper(home, 8 << 20);
      const racers = [racer(home, 'open', path), racer(home, 'open', path)];
      await release(home, racers);
      for (const r of racers) expect(await r.exited, r.output()).toBe(0);
      const outputs = `round ${round}\n${racers.map((r) => r.output()).join('--\n')}`;

      expect(racers.map((r) => /^(job|no job)/m.exec(r.output())?.[1]).sort(), outputs).toEqual(['job', 'no job']);
      for (const r of racers) expect(r.output(), outputs).toMatch(/^ready$/m);
      const parses = withLibraryDb(home, (db) => db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'parse' AND doc_id = ?").get(id) as { n: number });
      expect(parses.n, outputs).toBe(1);
      expect(documentRows(home)).toEqual([{ id, status: 'ready' }]);
    }
  }, 240_000);

  it('a removal racing an open in another process leaves the document whole or gone, never half', async () => {
    ensureBuilt();
    // The removal comes a little later each round, so that it may win (the open then starts afresh) or
    // find the parse under way (refused); which one happens varies with the load, and either way the
    // round must end in one of the two whole states.
    for (const [round, delayMs] of [0, 25, 50].entries()) {
      const home = tempHome();
      const { path, id } = await paper(home);
      // A document whose parse failed earlier: opening it parses it again, and nothing owns it now.
      const folder = join(home, 'library', id);
      mkdirSync(folder, { recursive: true });
      copyFileSync(path, join(folder, 'document.pdf'));
      const store = openStore(home);
      store.documents.save({ id, fileName: 'paper.pdf', title: 'paper', pageCount: 0, bytes: 0, addedAt: new Date().toISOString(), status: 'failed', error: { code: 'INTERNAL', message: 'earlier failure' } });
      store.close();

      const opener = racer(home, 'open', path);
      const remover = racer(home, 'remove', id, delayMs);
      await release(home, [opener, remover]);
      expect(await opener.exited, opener.output()).toBe(0);
      expect(await remover.exited, remover.output()).toBe(0);
      const outputs = `round ${round} (removal ${delayMs} ms later)\nopen:\n${opener.output()}\nremove:\n${remover.output()}`;

      expect(remover.output(), outputs).toMatch(/^(removed|refused BUSY)$/m);
      // The parse never had its file taken away, whoever won.
      expect(opener.output(), outputs).toMatch(/^(ready|gone)$/m);
      const rows = documentRows(home);
      if (rows.length) {
        expect(rows, outputs).toEqual([{ id, status: 'ready' }]);
        for (const file of ['document.pdf', 'model.json', 'index.json']) expect(existsSync(join(folder, file)), `${file}\n${outputs}`).toBe(true);
      } else {
        expect(existsSync(folder), outputs).toBe(false);
      }
      const trash = join(home, 'library', '.removed');
      expect(existsSync(trash) ? readdirSync(trash) : []).toEqual([]);
    }
  }, 240_000);
});
