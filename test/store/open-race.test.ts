/**
 * Processes opening one fresh library at the same moment (the app and a `wukong` command started together):
 * switching the new database to WAL takes an exclusive lock that SQLite does not wait for, so some of them
 * used to fail with "database is locked".
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureWorkerBuilt } from '../helpers/build.js';
import { tempHome } from '../helpers/cli.js';

const SCRIPT = join(import.meta.dirname, 'fixtures', 'opener.mjs');

function open(home: string, at: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, home, String(at)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => resolve(out.trim()));
  });
}

describe('a fresh library opened by several processes at once', () => {
  it('opens in every one of them', async () => {
    ensureWorkerBuilt('store', 'index.js');
    // The lock is lost in a few percent of openings: enough rounds make a failure show on the old code.
    for (let round = 0; round < 10; round++) {
      const home = tempHome();
      // Far enough ahead for all three to have loaded better-sqlite3 on a busy machine.
      const at = Date.now() + 700;
      const outputs = await Promise.all([open(home, at), open(home, at), open(home, at)]);
      expect(outputs, `round ${round}`).toEqual(['ok', 'ok', 'ok']);
    }
  }, 120_000);
});
