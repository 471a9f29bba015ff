import { describe, expect, it } from 'vitest';
import type { JobInfo, ServiceEvent } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { tempHome } from '../helpers/cli.js';
import { makeScannedPdf } from './scanned-pdf.js';

describe('the service with a scanned document', () => {
  it('reads its pages with OCR, becomes ready and answers from the recognised text', async () => {
    const service = await createService({ home: tempHome() });
    const events: ServiceEvent[] = [];
    service.onEvent((e) => events.push(e));
    const { document, job } = await service.openDocument({ bytes: await makeScannedPdf(), fileName: 'scan.pdf' });
    const end = await service.waitForJob(job!.id);
    expect(end).toMatchObject({ state: 'done', kind: 'index' });
    const messages = events.filter((e): e is { type: 'job'; job: JobInfo } => e.type === 'job').map((e) => e.job.message);
    expect(messages).toContain('Recognising text on page 1 of 1 (scanned)');
    const [summary] = await service.listDocuments();
    expect(summary).toMatchObject({ status: 'ready', pageCount: 1 });
    expect(summary.pagesWithoutText).toBeUndefined();
    const model = await service.getDocument(document.id);
    expect(model.pages[0]).toMatchObject({ hasText: false, ocr: true });
    const evidence = await service.retrieve({ docIds: [document.id] }, 'What fruit do ring-tailed lemurs forage for?');
    expect(evidence[0]).toMatchObject({ page: 1 });
    expect(evidence.map((e) => e.text).join(' ')).toContain('tamarind fruit');
    await service.close();
  });

  it('cancels during OCR', async () => {
    const service = await createService({ home: tempHome() });
    const { job } = await service.openDocument({ bytes: await makeScannedPdf(), fileName: 'scan.pdf' });
    const off = service.onEvent((e) => {
      if (e.type === 'job' && e.job.message.startsWith('Recognising')) void service.cancelJob(job!.id);
    });
    const end = await service.waitForJob(job!.id);
    off();
    expect(end).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    await service.close();
  });

  it('still fails with NO_TEXT when OCR finds nothing to read', async () => {
    const service = await createService({ home: tempHome() });
    const { job } = await service.openDocument({ bytes: await makeScannedPdf([]), fileName: 'blank.pdf' });
    await service.waitForJob(job!.id);
    const [summary] = await service.listDocuments();
    expect(summary).toMatchObject({ status: 'failed', error: { code: 'NO_TEXT' } });
    await service.close();
  });
});
