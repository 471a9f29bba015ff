import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSource } from '../../core/api.js';
import { startWebServer, type WebServer } from '../../web/server.js';
import { createFakeService } from './fake-service.js';
import { send } from './http-client.js';

const PDF = Buffer.from('%PDF-1.4\n% a body written to disk, not held in memory\n%%EOF\n');

describe('web upload through a temporary file', () => {
  let server: WebServer;
  let auth: Record<string, string>;
  /** What the service was given, and the file's contents while it was being opened. */
  const seen: { source: DocumentSource; contents?: Buffer }[] = [];

  beforeAll(async () => {
    const staticDir = await mkdtemp(join(tmpdir(), 'wk-static-'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    const fake = createFakeService({ stepMs: 1 });
    const service = Object.assign(Object.create(fake) as typeof fake, {
      openDocument: (source: DocumentSource, options?: object) => {
        seen.push({ source, contents: 'path' in source ? readFileSync(source.path) : undefined });
        return fake.openDocument(source, options);
      },
    });
    server = await startWebServer({ service, staticDir, maxUploadBytes: 1000 });
    auth = { host: `127.0.0.1:${server.port}`, 'x-wukong-token': server.token };
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives the service a file under the name the browser sent, and removes it once the service has its copy', async () => {
    const up = await send(server, '/api/upload?name=..%2Fmy%20paper.pdf', { method: 'POST', headers: { ...auth, 'content-type': 'application/pdf' }, body: PDF });
    expect(up.status).toBe(200);
    expect(JSON.parse(up.body).result.document.fileName).toBe('.._my paper.pdf');
    const [{ source, contents }] = seen;
    expect('path' in source && source.fileName).toBe('.._my paper.pdf');
    expect(contents).toEqual(PDF);
    expect(existsSync((source as { path: string }).path)).toBe(false);
  });

  it('refuses a body over the limit as it arrives, without opening anything', async () => {
    const before = seen.length;
    const big = await send(server, '/api/upload?name=big.pdf', { method: 'POST', headers: { ...auth, 'transfer-encoding': 'chunked' }, body: Buffer.concat([PDF, Buffer.alloc(2000, 32)]) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('TOO_LARGE');
    expect(seen.length).toBe(before);
  });
});
