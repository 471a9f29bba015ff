import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobInfo, ServiceEvent } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { tempHome } from '../helpers/cli.js';
import { withLibraryDb } from '../helpers/library-db.js';
import { makePdf } from '../helpers/pdf.js';
import { makeEncryptedPdf } from '../pdf/make-pdf.js';

const PAGES = [
  ['Mixed models in practice', 'Linear mixed models describe grouped data by adding random effects to the fixed effects of a linear model.'],
  ['The sleepstudy data record the reaction times of eighteen subjects over ten days of sleep deprivation.'],
  ['Penalized least squares gives the estimates; the profiled deviance is optimised with a derivative-free method.'],
];

describe('the service: opening documents', () => {
  it('refuses files that are not PDFs, too large, or missing, with typed errors', async () => {
    const home = tempHome();
    const service = await createService({ home, maxBytes: 2000 });
    const notPdf = join(home, 'a.pdf');
    writeFileSync(notPdf, 'hello');
    await expect(service.openDocument({ path: notPdf })).rejects.toMatchObject({ code: 'NOT_PDF' });
    await expect(service.openDocument({ bytes: new Uint8Array(5000).fill(32), fileName: 'big.pdf' })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(service.openDocument({ path: join(home, 'nope.pdf') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await service.listDocuments()).toEqual([]);
    await service.close();
  });

  it('parses and indexes a PDF with progress, and reopening the same file reuses it', async () => {
    const home = tempHome();
    const service = await createService({ home });
    const events: ServiceEvent[] = [];
    service.onEvent((e) => events.push(e));
    const bytes = await makePdf(PAGES, { title: 'Mixed models' });
    const { document, job } = await service.openDocument({ bytes, fileName: 'mixed.pdf' });
    expect(job?.kind).toBe('parse');
    const end = await service.waitForJob(job!.id);
    expect(end).toMatchObject({ state: 'done', kind: 'index' });
    const jobEvents = events.filter((e): e is { type: 'job'; job: JobInfo } => e.type === 'job');
    expect(jobEvents.some((e) => e.job.kind === 'parse' && e.job.total === 3)).toBe(true);
    const [summary] = await service.listDocuments();
    expect(summary).toMatchObject({ id: document.id, status: 'ready', pageCount: 3, title: 'Mixed models' });
    const model = await service.getDocument(document.id);
    expect(model.units.map((u) => u.text).join(' ')).toContain('eighteen subjects');
    expect(await service.getDocumentFile(document.id)).toEqual(bytes);
    expect(new Uint8Array(await readFile(await service.getDocumentFilePath(document.id)))).toEqual(bytes);
    await expect(service.getDocumentFilePath('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const again = await service.openDocument({ bytes, fileName: 'copy.pdf' });
    expect(again.job).toBeUndefined();
    expect(again.document.id).toBe(document.id);
    expect(summary.parser).toBe(model.parser.version);
    // Units made by an older parser are made anew when the file is opened again; the document stays in place.
    withLibraryDb(home, (db) => db.prepare("UPDATE documents SET parser = '0.9.0' WHERE id = ?").run(document.id));
    const upgraded = await service.openDocument({ bytes, fileName: 'copy.pdf' });
    expect(upgraded.job?.kind).toBe('parse');
    expect(upgraded.document).toMatchObject({ id: document.id, title: 'Mixed models' });
    await service.waitForJob(upgraded.job!.id);
    expect((await service.listDocuments())[0]).toMatchObject({ status: 'ready', parser: model.parser.version });
    await service.removeDocument(document.id);
    expect(await service.listDocuments()).toEqual([]);
    expect(existsSync(join(home, 'library', document.id))).toBe(false);
    await service.close();
  });

  it('cancels a parse, marks the document cancelled and keeps the file', async () => {
    const home = tempHome();
    const service = await createService({ home });
    const bytes = await makePdf(Array.from({ length: 400 }, (_, i) => [`Page ${i + 1} holds a sentence about random effects.`]));
    const { document, job } = await service.openDocument({ bytes, fileName: 'long.pdf' });
    const off = service.onEvent((e) => {
      if (e.type === 'job' && e.job.done >= 5) void service.cancelJob(job!.id);
    });
    const end = await service.waitForJob(job!.id);
    off();
    expect(end.state).toBe('cancelled');
    expect(end.error?.code).toBe('CANCELLED');
    const [summary] = await service.listDocuments();
    expect(summary.status).toBe('cancelled');
    expect(await service.getDocumentFile(document.id)).toEqual(bytes);
    await service.close();
  });

  it('keeps an encrypted PDF, reports ENCRYPTED, and opens it once the password is given', async () => {
    const service = await createService({ home: tempHome() });
    const bytes = makeEncryptedPdf('open sesame', 'owner', 'Secret findings about lemurs.');
    const first = await service.openDocument({ bytes, fileName: 'locked.pdf' });
    await service.waitForJob(first.job!.id);
    let [summary] = await service.listDocuments();
    expect(summary).toMatchObject({ status: 'failed', error: { code: 'ENCRYPTED' } });
    expect(await service.getDocumentFile(first.document.id)).toEqual(bytes);
    await expect(service.retrieve({ docIds: [first.document.id] }, 'lemurs?')).rejects.toMatchObject({ code: 'ENCRYPTED' });
    await expect(service.reopenDocument('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const second = await service.reopenDocument(first.document.id, { password: 'open sesame' });
    await service.waitForJob(second.job!.id);
    [summary] = await service.listDocuments();
    expect(summary.status).toBe('ready');
    const evidence = await service.retrieve({ docIds: [first.document.id] }, 'What are the findings about lemurs?');
    expect(evidence[0].text).toContain('Secret findings about lemurs.');
    await service.close();
  });

  it('says plainly when its data folder cannot be written, and keeps what it had', async () => {
    const blocked = join(tempHome(), 'not-a-folder');
    writeFileSync(blocked, 'a file where the data folder should be');
    await expect(createService({ home: blocked })).rejects.toMatchObject({ code: 'NO_ACCESS', message: expect.stringContaining(blocked) });
    const home = tempHome();
    const service = await createService({ home });
    writeFileSync(join(home, 'library'), 'a file where the library should be');
    const bytes = await makePdf(PAGES);
    await expect(service.openDocument({ bytes, fileName: 'mixed.pdf' })).rejects.toMatchObject({ code: 'NO_ACCESS' });
    // No entry for a document whose file never reached the library.
    expect(await service.listDocuments()).toEqual([]);
    await service.close();
  });
});

describe('two services on one library', () => {
  it('shows a document another live service is parsing as parsing, and does not parse it twice', async () => {
    const home = tempHome();
    const bytes = await makePdf(PAGES);
    const first = await createService({ home });
    const { document, job } = await first.openDocument({ bytes, fileName: 'mixed.pdf' });
    // A second service (the CLI next to the app) sees the job the first one runs, alive by its heartbeat.
    const second = await createService({ home });
    const [seen] = await second.listDocuments();
    expect(seen).toMatchObject({ id: document.id, status: 'parsing', jobId: job!.id });
    const again = await second.openDocument({ bytes, fileName: 'mixed.pdf' });
    expect(again.job).toBeUndefined();
    await first.waitForJob(job!.id);
    await first.close();
    expect((await second.listDocuments())[0].status).toBe('ready');
    await second.close();
  });
});
