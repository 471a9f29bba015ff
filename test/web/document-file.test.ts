import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WukongError } from '../../core/errors.js';
import { parseRange } from '../../web/send-file.js';
import { startWebServer, type WebServer } from '../../web/server.js';
import { createFakeService } from './fake-service.js';
import { send } from './http-client.js';

const BIG = 160 * 1024 * 1024;
const DOC = 'a'.repeat(64);

/** Byte i of the test file: its position mixed, so a range from the wrong offset shows. */
function block(offset: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = ((offset + i) * 2654435761) >>> 24;
  return b;
}

async function writeBig(path: string): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  const chunk = 4 * 1024 * 1024;
  for (let at = 0; at < BIG; at += chunk) {
    const b = block(at, chunk);
    hash.update(b);
    await file.write(b);
  }
  await file.close();
  return hash.digest('hex');
}

/** Descriptors this process holds open on `path` (Linux exposes them in /proc). */
function openDescriptors(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;
}

describe('GET /api/documents/<id>/file', () => {
  let dir: string;
  let bigPath: string;
  let bigSha: string;
  let server: WebServer;
  let auth: Record<string, string>;
  let served: string | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wk-file-'));
    bigPath = join(dir, 'document.pdf');
    bigSha = await writeBig(bigPath);
    const fake = createFakeService();
    // The route must stream from the stored copy: a whole read through getDocumentFile fails the test.
    const service = Object.assign(fake, {
      getDocumentFile: async () => { throw new Error('read whole'); },
      getDocumentFilePath: async (docId: string) => {
        if (docId !== DOC) throw new WukongError('NOT_FOUND');
        return served ?? bigPath;
      },
    });
    server = await startWebServer({ service, staticDir: dir });
    auth = { host: `127.0.0.1:${server.port}`, 'x-wukong-token': server.token };
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  function get(headers: Record<string, string> = {}): Promise<IncomingMessage> {
    return new Promise((ok, fail) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: `/api/documents/${DOC}/file`, headers: { ...auth, ...headers } }, ok);
      req.on('error', fail);
      req.end();
    });
  }

  it('streams the whole file with its length, never holding it in memory', async () => {
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(BIG));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-type']).toBe('application/pdf');
    const hash = createHash('sha256');
    let length = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      hash.update(chunk);
      length += chunk.length;
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    expect(length).toBe(BIG);
    expect(hash.digest('hex')).toBe(bigSha);
    // A whole read holds all 160 MB at once; a stream holds its buffers and whatever the GC has not yet taken.
    expect(peak - before).toBeLessThan(BIG / 2);
  });

  it('answers a byte range with 206 and exactly those bytes', async () => {
    for (const [header, start, end] of [['bytes=1000-1999', 1000, 1999], ['bytes=-500', BIG - 500, BIG - 1], [`bytes=${BIG - 10}-${BIG + 99}`, BIG - 10, BIG - 1]] as const) {
      const r = await fetch(`${server.origin}/api/documents/${DOC}/file`, { headers: { 'x-wukong-token': server.token, range: header } });
      expect(r.status, header).toBe(206);
      expect(r.headers.get('content-range')).toBe(`bytes ${start}-${end}/${BIG}`);
      expect(r.headers.get('content-length')).toBe(String(end - start + 1));
      expect(Buffer.from(await r.arrayBuffer()).equals(block(start, end - start + 1)), header).toBe(true);
    }
    const past = await send(server, `/api/documents/${DOC}/file`, { headers: { ...auth, range: `bytes=${BIG}-` } });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${BIG}`);
  });

  it('survives a client that goes away mid-file, and closes the file', async () => {
    const res = await get();
    await new Promise<void>((ok) => res.once('data', () => ok()));
    if (existsSync('/proc/self/fd')) expect(openDescriptors(bigPath)).toBe(1);
    res.destroy();
    const deadline = Date.now() + 5000;
    while (existsSync('/proc/self/fd') && openDescriptors(bigPath) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (existsSync('/proc/self/fd')) expect(openDescriptors(bigPath)).toBe(0);
    const again = await send(server, `/api/documents/${DOC}/file`, { headers: { ...auth, range: 'bytes=0-3' } });
    expect(again.status).toBe(206);
  });

  it('answers a missing document or stored copy with a clean 404', async () => {
    const unknown = await send(server, `/api/documents/${'b'.repeat(64)}/file`, { headers: auth });
    expect(unknown.status).toBe(404);
    served = join(dir, 'gone.pdf');
    try {
      const gone = await send(server, `/api/documents/${DOC}/file`, { headers: auth });
      expect(gone.status).toBe(404);
      expect(JSON.parse(gone.body).error.code).toBe('NOT_FOUND');
    } finally {
      served = undefined;
    }
  });
});

describe('Range header', () => {
  it('reads one range and leaves the rest to a whole reply', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=50-200', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    for (const ignored of ['bytes=0-1,5-6', 'items=0-9', 'bytes=9-0', 'bytes=-', 'bytes=a-b']) expect(parseRange(ignored, 100), ignored).toBeUndefined();
  });
});
