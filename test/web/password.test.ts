import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WukongService } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { startWebServer, type WebServer } from '../../web/server.js';
import { tempHome } from '../helpers/cli.js';
import { makeEncryptedPdf } from '../pdf/make-pdf.js';

describe('web mode: encrypted PDFs', () => {
  let service: WukongService;
  let server: WebServer;
  beforeAll(async () => {
    service = await createService({ home: tempHome() });
    server = await startWebServer({ service, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await service.close();
  });

  async function upload(password?: string): Promise<{ status: number; docId: string; jobId?: string }> {
    const headers: Record<string, string> = { 'x-wukong-token': server.token, 'content-type': 'application/pdf' };
    if (password !== undefined) headers['x-wukong-password'] = encodeURIComponent(password);
    const res = await fetch(`${server.origin}/api/upload?name=locked.pdf`, { method: 'POST', headers, body: makeEncryptedPdf('sésame ouvre-toi', 'owner', 'Lemurs sleep in trees.') });
    const body = (await res.json()) as { result: { document: { id: string }; job?: { id: string } } };
    return { status: res.status, docId: body.result.document.id, jobId: body.result.job?.id };
  }

  it('reports ENCRYPTED without the password and opens the file with it (header, percent-encoded)', async () => {
    const first = await upload();
    expect(first.status).toBe(200);
    await service.waitForJob(first.jobId!);
    expect((await service.listDocuments())[0]).toMatchObject({ status: 'failed', error: { code: 'ENCRYPTED' } });
    const second = await upload('sésame ouvre-toi');
    await service.waitForJob(second.jobId!);
    expect((await service.listDocuments())[0].status).toBe('ready');
    const evidence = await service.retrieve({ docIds: [second.docId] }, 'Where do lemurs sleep?');
    expect(evidence[0].text).toContain('Lemurs sleep in trees.');
  });
});
