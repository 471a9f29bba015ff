/**
 * Real processes on one library (the app and the CLI): two adding different documents at once
 * both end up in the library and in library questions; a process killed with SIGKILL while it
 * parses leaves its document interrupted (not busy forever), and it is finished when opened again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobInfo, ServiceEvent } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { tempHome } from '../helpers/cli.js';
import { makePdf } from '../helpers/pdf.js';

const SCRIPT = join(import.meta.dirname, 'fixtures', 'open-doc.mjs');

function openInChild(home: string, pdf: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [SCRIPT, pdf], { env: { ...process.env, WUKONG_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('two processes on one library', () => {
  it('both documents added at once are in the library and answer library questions', async () => {
    ensureBuilt();
    const home = tempHome();
    const bees = join(home, 'bees.pdf');
    const ice = join(home, 'ice.pdf');
    writeFileSync(bees, await makePdf([['Honey bees tell their hive mates where the flowers are with a waggle dance on the comb.']]));
    writeFileSync(ice, await makePdf([['Glaciers in the Alps have lost more than half of their ice volume since the middle of the last century.']]));
    const a = openInChild(home, bees);
    const b = openInChild(home, ice);
    expect(await a.exited, a.output()).toBe(0);
    expect(await b.exited, b.output()).toBe(0);
    expect(a.output()).toMatch(/^ready /m);
    expect(b.output()).toMatch(/^ready /m);
    const beesId = /started (\w+)/.exec(a.output())![1];
    const iceId = /started (\w+)/.exec(b.output())![1];

    // Scored through the HNSW library index even for two documents, whichever process's graph write won.
    const service = await createService({ home, exactLibraryDocs: 0 });
    try {
      expect((await service.listDocuments()).map((d) => [d.id, d.status]).sort()).toEqual([[beesId, 'ready'], [iceId, 'ready']].sort());
      const onBees = await service.retrieve({ library: true }, 'How do bees show where the flowers are?', { k: 1 });
      expect(onBees[0]).toMatchObject({ docId: beesId });
      const onIce = await service.retrieve({ library: true }, 'How much ice have the Alpine glaciers lost?', { k: 1 });
      expect(onIce[0]).toMatchObject({ docId: iceId });
    } finally {
      await service.close();
    }
  }, 120_000);

  it('a process killed mid-parse leaves its document interrupted, and opening it again finishes it', async () => {
    ensureBuilt();
    const home = tempHome();
    const pdf = join(home, 'long.pdf');
    const bytes = await makePdf(Array.from({ length: 300 }, (_, i) => [`Page ${i + 1} holds a sentence about random effects in mixed models.`]));
    writeFileSync(pdf, bytes);
    const run = openInChild(home, pdf);
    const service = await createService({ home });
    try {
      // While the child parses, this process sees it busy (its heartbeat is fresh), not interrupted.
      await expect.poll(async () => (await service.listDocuments())[0]?.status, { timeout: 30_000, interval: 100 }).toBe('parsing');
      expect((await service.openDocument({ path: pdf })).job).toBeUndefined();
      run.child.kill('SIGKILL');
      await run.exited;
      const [left] = await service.listDocuments();
      expect(left).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
      const again = await service.openDocument({ path: pdf });
      expect(again.job?.kind).toBe('parse');
      expect((await service.waitForJob(again.job!.id)).state).toBe('done');
      expect((await service.listDocuments())[0].status).toBe('ready');
    } finally {
      await service.close();
    }
  }, 120_000);

  it("shows another process's parse with its progress, will not remove its document under it, and reads it interrupted once that process is gone", async () => {
    ensureBuilt();
    const home = tempHome();
    const pdf = join(home, 'long.pdf');
    writeFileSync(pdf, await makePdf(Array.from({ length: 400 }, (_, i) => [`Page ${i + 1} holds a sentence about random effects in mixed models.`])));
    const run = openInChild(home, pdf);
    const service = await createService({ home, watchOtherProcesses: true });
    const events: ServiceEvent[] = [];
    service.onEvent((e) => events.push(e));
    try {
      const theirs = async (): Promise<JobInfo | undefined> => (await service.listJobs()).find((j) => j.kind === 'parse');
      await expect.poll(async () => (await theirs())?.done ?? 0, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0);
      const job = (await theirs())!;
      expect(job).toMatchObject({ state: 'running', total: 400 });
      const docId = job.docId!;
      // The watcher passes the other process's progress on as this service's own job events.
      await expect.poll(() => events.some((e) => e.type === 'job' && e.job.id === job.id && e.job.done > 0), { timeout: 10_000 }).toBe(true);

      const refused = await service.removeDocument(docId).then(() => undefined, (err: unknown) => err);
      expect(refused).toMatchObject({ code: 'BUSY' });
      expect((refused as Error).message).toContain(`pid ${run.child.pid}`);
      await expect(service.cancelJob(job.id)).rejects.toMatchObject({ code: 'BUSY' });
      expect(existsSync(join(home, 'library', docId, 'document.pdf'))).toBe(true);
      expect((await service.listDocuments())[0]).toMatchObject({ id: docId, status: 'parsing' });

      run.child.kill('SIGKILL');
      await run.exited;
      expect((await service.listJobs()).find((j) => j.id === job.id)).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
      await expect.poll(() => events.some((e) => e.type === 'documents' && e.documents[0]?.status === 'cancelled'), { timeout: 10_000 }).toBe(true);
      await service.removeDocument(docId);
      expect(existsSync(join(home, 'library', docId))).toBe(false);
      expect(await service.listJobs()).toEqual([]);
    } finally {
      await service.close();
    }
  }, 180_000);
});
