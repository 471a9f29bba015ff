/**
 * The Electron IPC handlers (electron/ipc.ts) and the app:// scheme (electron/app-protocol.ts) with a
 * stand-in `electron` module: the binary cannot run here, but who may call, what arguments get
 * through, and what the window's PDF route answers can still be checked.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AskEvent } from '../../core/api.js';
import { WukongError } from '../../core/errors.js';
import { CONTENT_SECURITY_POLICY } from '../../web/static.js';
import { fetchFileUrl } from '../helpers/file-fetch.js';

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();
const listeners = new Map<string, Handler>();
const schemes = new Map<string, (request: Request) => Promise<Response>>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => handlers.set(channel, fn),
    on: (channel: string, fn: Handler) => listeners.set(channel, fn),
  },
  net: { fetch: (url: string) => fetchFileUrl(url) },
  protocol: { handle: (scheme: string, fn: (request: Request) => Promise<Response>) => schemes.set(scheme, fn) },
}));

const { registerIpc } = await import('../../electron/ipc.js');
const { IPC } = await import('../../electron/bridge-types.js');

const sent: unknown[][] = [];
const ourContents = { isDestroyed: () => false, send: (...args: unknown[]) => sent.push(args) };
const ours = { sender: ourContents, senderFrame: { url: 'app://wukong/index.html' } };
const calls: [string, unknown[]][] = [];
const asks: unknown[][] = [];
const opened: string[][] = [];
/** What the stand-in folder dialog answers next (null = cancelled). */
const folders: (string | null)[] = [];

const connection = {
  call: async (method: string, args: unknown[]) => {
    calls.push([method, args]);
    return method === 'listDocuments' ? [] : null;
  },
  ask: (...args: unknown[]) => {
    asks.push(args);
    (args[4] as (e: AskEvent) => void)({ type: 'token', text: 'hi' });
  },
  cancelAsk: () => undefined,
};

describe('Electron IPC handlers', () => {
  beforeAll(() => {
    registerIpc({
      connection: connection as never,
      contents: () => ourContents as never,
      showOpenDialog: async () => [],
      openPaths: async (paths) => (opened.push(paths), []),
      chooseModelFolder: async () => folders.shift() ?? null,
    });
  });

  it('answers our window on app://, with a Reply envelope', async () => {
    await expect(handlers.get(IPC.request)!(ours, 'listDocuments', [])).resolves.toEqual({ ok: true, value: [] });
    expect(calls).toContainEqual(['listDocuments', []]);
  });

  it('no longer carries the PDF over IPC: the page reads it from app://', () => {
    expect([...handlers.keys()].sort()).toEqual([IPC.request, IPC.openDialog, IPC.openPaths, IPC.installModelDialog].sort());
  });

  it('refuses other senders and other origins', async () => {
    const stranger = { sender: { ...ourContents }, senderFrame: { url: 'app://wukong/index.html' } };
    const remote = { sender: ourContents, senderFrame: { url: 'https://evil.example/' } };
    for (const event of [stranger, remote, { sender: ourContents, senderFrame: null }]) {
      const reply = (await handlers.get(IPC.request)!(event, 'listDocuments', [])) as { ok: boolean; error?: { code: string } };
      expect(reply.ok).toBe(false);
      expect(reply.error?.code).toBe('BAD_REQUEST');
    }
  });

  it('validates arguments and never lets the page open a path of its choosing', async () => {
    const count = calls.length;
    for (const [method, args] of [['getDocument', [{}]], ['openDocument', [{ path: '/etc/passwd' }]], ['installModel', ['/etc']], ['close', []], ['retrieve', [{ library: true }, 'q', { evil: 1 }]]] as const) {
      const reply = (await handlers.get(IPC.request)!(ours, method, args)) as { ok: boolean; error?: { code: string } };
      expect(reply, method).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(calls.length).toBe(count);
    expect(await handlers.get(IPC.openPaths)!(ours, ['/etc/passwd'])).toMatchObject({ ok: false, error: { code: 'NOT_PDF' } });
    const dir = await mkdtemp(join(tmpdir(), 'wk-ipc-'));
    const pdf = join(dir, 'paper.pdf');
    await writeFile(pdf, '%PDF-1.4');
    expect(await handlers.get(IPC.openPaths)!(ours, [pdf])).toEqual({ ok: true, value: [] });
    expect(opened).toEqual([[pdf]]);
  });

  it('installs a model only from the folder the native dialog gave', async () => {
    folders.push('/home/me/Qwen2.5-0.5B-Instruct', null);
    expect(await handlers.get(IPC.installModelDialog)!(ours, { precision: 'int4' })).toEqual({ ok: true, value: null });
    expect(calls.at(-1)).toEqual(['installModel', ['/home/me/Qwen2.5-0.5B-Instruct', undefined, { precision: 'int4' }]]);
    const count = calls.length;
    expect(await handlers.get(IPC.installModelDialog)!(ours, {})).toEqual({ ok: true, value: null });
    expect(await handlers.get(IPC.installModelDialog)!(ours, { precision: 'int3' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(calls.length).toBe(count);
  });

  it('maps app:// URLs to files in the renderer folder only, and refuses broken escapes instead of throwing', async () => {
    const { appFile } = await import('../../electron/app-protocol.js');
    const root = join(tmpdir(), 'renderer') + sep;
    expect(appFile(root, 'app://wukong/index.html')).toBe(join(root, 'index.html'));
    expect(appFile(root, 'app://wukong/pdfjs/a%20b.mjs')).toBe(join(root, 'pdfjs', 'a b.mjs'));
    expect(appFile(root, 'app://wukong/%E0%A4%A')).toBeUndefined();
    expect(appFile(root, 'app://wukong/..%2f..%2fetc%2fpasswd')).toBeUndefined();
    expect(appFile(root, 'app://elsewhere/index.html')).toBeUndefined();
  });

  it('builds the app with the Electron fuses that close Node-level entry points', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { build: { electronFuses: Record<string, boolean> } };
    expect(pkg.build.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('streams ask events back to the asking window, and reports bad questions as error events', () => {
    listeners.get(IPC.ask)!(ours, 'ask1', { docIds: ['d1'] }, 'why?', { extractive: true });
    expect(asks[0].slice(0, 4)).toEqual(['ask1', { docIds: ['d1'] }, 'why?', { extractive: true }]);
    expect(sent.at(-1)).toEqual([IPC.askEvent, 'ask1', { type: 'token', text: 'hi' }]);
    listeners.get(IPC.ask)!(ours, 'ask2', { docIds: ['d1'] }, '', {});
    expect(sent.at(-1)).toMatchObject([IPC.askEvent, 'ask2', { type: 'error', error: { code: 'BAD_REQUEST' } }]);
    const before = sent.length;
    listeners.get(IPC.ask)!({ ...ours, senderFrame: { url: 'https://evil.example/' } }, 'ask3', { library: true }, 'q');
    expect(sent.length).toBe(before);
    expect(asks.length).toBe(1);
  });
});

describe('app://wukong/documents/<id>/file', () => {
  const DOC = 'c'.repeat(64);
  const pdf = Buffer.from('%PDF-1.4\nthe stored copy\n%%EOF\n');
  let dir: string;
  let stored: string;
  /** docIds the service was asked about, in order. */
  const asked: string[] = [];
  /** What the service does next instead of answering (a host that died). */
  let failure: WukongError | undefined;
  let get: (url: string, init?: RequestInit) => Promise<Response>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wk-scheme-'));
    const renderer = join(dir, 'renderer');
    await mkdir(join(renderer, 'documents', DOC), { recursive: true });
    await writeFile(join(renderer, 'index.html'), '<!doctype html>');
    // A renderer file on the route's path must never stand in for the library's copy.
    await writeFile(join(renderer, 'documents', DOC, 'file'), 'not the pdf');
    stored = join(dir, 'document.pdf');
    await writeFile(stored, pdf);
    const { serveAppScheme } = await import('../../electron/app-protocol.js');
    serveAppScheme(renderer, async (docId) => {
      asked.push(docId);
      if (failure) throw failure;
      if (docId !== DOC) throw new WukongError('NOT_FOUND', `No document with id ${docId}.`);
      return stored;
    });
    get = (url, init) => schemes.get('app')!(new Request(url, init));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("streams the stored copy as a PDF with the app's headers", async () => {
    const res = await get(`app://wukong/documents/${DOC}/file`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    expect(asked.at(-1)).toBe(DOC);
  });

  it('still serves the renderer, and answers 404 for a missing renderer file instead of throwing', async () => {
    expect((await get('app://wukong/index.html')).status).toBe(200);
    expect((await get('app://wukong/missing.js')).status).toBe(404);
  });

  it('answers an unknown id with 404 NOT_FOUND', async () => {
    const res = await get(`app://wukong/documents/${'d'.repeat(64)}/file`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: `No document with id ${'d'.repeat(64)}.` } });
  });

  it('answers a malformed or percent-broken id with 404, without asking the service', async () => {
    const before = asked.length;
    for (const path of ['%E0%A4%A/file', 'a%2Fb/file', '..%2F..%2Fetc%2Fpasswd/file', `${DOC}/file/more`, DOC, '/file', `${DOC}%00/file`]) {
      const res = await get(`app://wukong/documents/${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    expect(asked.length).toBe(before);
  });

  it('answers anything but GET with 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      const res = await get(`app://wukong/documents/${DOC}/file`, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
    }
  });

  it('reports a service that cannot answer, and a copy gone before it was read, as errors rather than throwing', async () => {
    failure = new WukongError('INTERNAL', undefined, 'service host exited with 1');
    const down = await get(`app://wukong/documents/${DOC}/file`);
    failure = undefined;
    expect(down.status).toBe(500);
    expect(await down.json()).toMatchObject({ error: { code: 'INTERNAL' } });
    await rm(stored);
    const gone = await get(`app://wukong/documents/${DOC}/file`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'The file is gone.' } });
    await writeFile(stored, pdf);
  });
});

