import { request } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../../web/server.js';
import { createFakeService, type FakeService } from './fake-service.js';
import { send } from './http-client.js';

const PDF = Buffer.from('%PDF-1.4\n% tiny fake\n%%EOF\n');

describe('web server security', () => {
  let server: WebServer;
  let service: FakeService;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const staticDir = await mkdtemp(join(tmpdir(), 'wk-static-'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    service = createFakeService({ stepMs: 1, evidence: [{ rank: 1, unitId: 'u0001', kind: 'paragraph', page: 1, bbox: [0, 0, 1, 1], lineRects: [[0, 0, 1, 1]], text: 'Hello world. More.', section: [], score: 1, tokens: 3 }] });
    server = await startWebServer({ service, staticDir });
    auth = { host: `127.0.0.1:${server.port}`, 'x-wukong-token': server.token, 'content-type': 'application/json' };
  });
  afterAll(async () => {
    await server.close();
  });

  it('puts a long random token in the URL fragment', () => {
    expect(server.token.length).toBeGreaterThanOrEqual(40);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
  });

  it('refuses API calls without the token or with a wrong one (401)', async () => {
    const missing = await send(server, '/api/listDocuments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(401);
    const wrong = await send(server, '/api/listDocuments', { method: 'POST', headers: { ...auth, 'x-wukong-token': 'x'.repeat(43) }, body: '{}' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.code).toBe('BAD_REQUEST');
    expect(service.calls).not.toContain('listDocuments');
    const ok = await send(server, '/api/listDocuments', { method: 'POST', headers: auth, body: '{}' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ result: [] });
  });

  it('accepts the token as a Bearer authorization too', async () => {
    const ok = await send(server, '/api/listJobs', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }, body: '{}' });
    expect(ok.status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token (403)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `0.0.0.0:${server.port}`]) {
      const r = await send(server, '/api/listDocuments', { method: 'POST', headers: { ...auth, host }, body: '{}' });
      expect(r.status, host).toBe(403);
    }
    const page = await send(server, '/', { headers: { host: 'evil.example' } });
    expect(page.status).toBe(403);
    const local = await send(server, '/', { headers: { host: `localhost:${server.port}` } });
    expect(local.status).toBe(200);
  });

  it('refuses cross-site requests by Origin or Sec-Fetch-Site (403)', async () => {
    const foreign = await send(server, '/api/listDocuments', { method: 'POST', headers: { ...auth, origin: 'http://evil.example' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const site = await send(server, '/api/listDocuments', { method: 'POST', headers: { ...auth, 'sec-fetch-site': 'cross-site' }, body: '{}' });
    expect(site.status).toBe(403);
    const own = await send(server, '/api/listDocuments', { method: 'POST', headers: { ...auth, origin: server.origin, 'sec-fetch-site': 'same-origin' }, body: '{}' });
    expect(own.status).toBe(200);
  });

  it('listens on 127.0.0.1 only and will not bind anything else', async () => {
    const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) {
      const refused = await new Promise<boolean>((ok) => {
        const s = connect({ host: external.address, port: server.port });
        s.on('connect', () => { s.destroy(); ok(false); });
        s.on('error', () => ok(true));
      });
      expect(refused).toBe(true);
    }
    await expect(startWebServer({ service, host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1/);
  });

  it('serves the app with a strict CSP and no path traversal', async () => {
    const page = await send(server, '/', { headers: { host: `127.0.0.1:${server.port}` } });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    const traversal = await send(server, '/..%2f..%2f..%2fetc%2fpasswd', { headers: { host: `127.0.0.1:${server.port}` } });
    expect(traversal.status).toBe(404);
  });

  it('validates arguments and answers errors as {error: ErrorInfo}', async () => {
    const badArgs = await send(server, '/api/getDocument', { method: 'POST', headers: auth, body: JSON.stringify({ args: [{ not: 'an id' }] }) });
    expect(badArgs.status).toBe(400);
    expect(JSON.parse(badArgs.body).error.code).toBe('BAD_REQUEST');
    const extra = await send(server, '/api/retrieve', { method: 'POST', headers: auth, body: JSON.stringify({ args: [{ library: true }, 'q', { k: 3, evil: 1 }] }) });
    expect(extra.status).toBe(400);
    const missing = await send(server, '/api/getDocument', { method: 'POST', headers: auth, body: JSON.stringify({ args: ['abc'] }) });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error).toEqual({ code: 'NOT_FOUND', message: 'The file or document was not found.' });
    const notJson = await send(server, '/api/listDocuments', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' });
    expect(notJson.status).toBe(400);
    const unknown = await send(server, '/api/close', { method: 'POST', headers: auth, body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('uploads a PDF, serves its bytes, and refuses non-PDFs', async () => {
    const up = await send(server, '/api/upload?name=paper.pdf', { method: 'POST', headers: { ...auth, 'content-type': 'application/pdf' }, body: PDF });
    expect(up.status).toBe(200);
    const { result } = JSON.parse(up.body);
    expect(result.document.fileName).toBe('paper.pdf');
    const file = await send(server, `/api/documents/${result.document.id}/file`, { headers: auth });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.body).toBe(PDF.toString('utf8'));
    const notPdf = await send(server, '/api/upload?name=x.pdf', { method: 'POST', headers: auth, body: 'hello' });
    expect(notPdf.status).toBe(415);
    expect(JSON.parse(notPdf.body).error.code).toBe('NOT_PDF');
  });

  it('streams an answer as NDJSON', async () => {
    const r = await send(server, '/api/ask', { method: 'POST', headers: auth, body: JSON.stringify({ scope: { library: true }, question: 'hello?', options: { extractive: true } }) });
    expect(r.status).toBe(200);
    const events = r.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].type).toBe('evidence');
    expect(events.at(-1).type).toBe('done');
    expect(events.at(-1).answer.citations[0].n).toBe(1);
    expect(events.some((e) => e.type === 'token')).toBe(true);
  });

  it('cancels the answer when the client disconnects', async () => {
    const slow = createFakeService({ tokenMs: 200, evidence: [{ rank: 1, unitId: 'u1', kind: 'paragraph', page: 1, bbox: [0, 0, 1, 1], lineRects: [], text: 'a b c d e f g h i j k l m n o p', section: [], score: 1, tokens: 1 }] });
    const s = await startWebServer({ service: slow });
    try {
      await new Promise<void>((ok) => {
        const req = request({ host: '127.0.0.1', port: s.port, path: '/api/ask', method: 'POST', headers: { host: `127.0.0.1:${s.port}`, 'x-wukong-token': s.token, 'content-type': 'application/json' } }, (res) => {
          res.once('data', () => { req.destroy(); ok(); });
        });
        req.on('error', () => {});
        req.end(JSON.stringify({ scope: { library: true }, question: 'q' }));
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(slow.lastAskSignal?.aborted).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('streams service events over SSE', async () => {
    // Awaited below: the upload writes a file and opens it, and must not be cut off by the server closing after the test.
    let upload: Promise<unknown> = Promise.resolve();
    const got = await new Promise<string>((ok) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { host: `127.0.0.1:${server.port}`, 'x-wukong-token': server.token } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          if (buf.includes('data: ')) { req.destroy(); ok(buf); }
        });
        upload = send(server, '/api/upload?name=b.pdf', { method: 'POST', headers: auth, body: Buffer.concat([PDF, Buffer.from('x')]) });
      });
      req.on('error', () => {});
      req.end();
    });
    const line = got.split('\n').find((l) => l.startsWith('data: '))!;
    expect(['documents', 'job']).toContain(JSON.parse(line.slice(6)).type);
    expect(await upload).toMatchObject({ status: 200 });
  });
});
