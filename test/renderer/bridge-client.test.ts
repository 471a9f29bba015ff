/**
 * The renderer's Electron client against a bridge that behaves like preload + main + service
 * host (Reply envelopes, ask events by id), without Electron: checks that errors keep their
 * codes across the bridge, answers stream in order, and cancelling reaches the service. The PDF
 * comes from the page's origin through the main process's real app:// route, never the bridge.
 */
import { describe, expect, it } from 'vitest';
import type { AskEvent, RequestMethod, ServiceEvent, WukongService } from '../../core/api.js';
import { WukongError, toWukongError } from '../../core/errors.js';
import type { Reply, WukongBridge } from '../../electron/bridge-types.js';
import { serveDocumentFile } from '../../electron/document-file-route.js';
import { createBridgeClient } from '../../renderer/src/client/bridge-client.js';
import { fetchFileUrl } from '../helpers/file-fetch.js';
import { makePdf } from '../helpers/pdf.js';
import { createFakeService } from '../web/fake-service.js';

function fakeBridge(service: WukongService): WukongBridge {
  const askListeners = new Set<(id: string, e: AskEvent) => void>();
  const controllers = new Map<string, AbortController>();
  const reply = async <T>(work: () => Promise<T>): Promise<Reply<T>> => {
    try {
      return { ok: true, value: await work() };
    } catch (err) {
      return { ok: false, error: toWukongError(err).toJSON() };
    }
  };
  return {
    request: (method: RequestMethod, args: unknown[]) => reply(() => (service[method] as (...a: unknown[]) => Promise<unknown>).apply(service, args)),
    ask: (askId, scope, question, options) => {
      const controller = new AbortController();
      controllers.set(askId, controller);
      void (async () => {
        for await (const e of service.ask(scope, question, { ...options, signal: controller.signal })) askListeners.forEach((l) => l(askId, e));
      })();
    },
    cancelAsk: (askId) => controllers.get(askId)?.abort(),
    onAskEvent: (l) => (askListeners.add(l), () => askListeners.delete(l)),
    onServiceEvent: (l: (e: ServiceEvent) => void) => service.onEvent(l),
    onCommand: () => () => {},
    showOpenDialog: async () => ({ ok: true, value: [] }),
    openFiles: async () => ({ ok: true, value: [] }),
    // The main process would show a folder dialog; here it "chooses" a fixed folder.
    installModelFromDialog: (options) => reply(() => service.installModel('/chosen/folder', undefined, options)),
  };
}

/** The page's fetch, answered by the main process's route as it would be in the window at app://wukong/index.html. */
function appOrigin(service: WukongService, urls: string[] = []): (url: string) => Promise<Response> {
  return (url) => {
    urls.push(url);
    return serveDocumentFile(new Request(new URL(url, 'app://wukong/index.html')), { filePath: (docId) => service.getDocumentFilePath(docId), fetchFile: fetchFileUrl });
  };
}

const evidence = [{ rank: 1, unitId: 'u1', kind: 'paragraph' as const, page: 1, bbox: [0, 0, 1, 1] as [number, number, number, number], lineRects: [], text: 'one two three four five six. Seven.', section: [], score: 1, tokens: 1 }];

describe('Electron bridge client', () => {
  it('forwards requests and keeps error codes across the bridge', async () => {
    const client = createBridgeClient(fakeBridge(createFakeService()));
    expect(await client.listDocuments()).toEqual([]);
    const err = await client.getDocument('missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WukongError);
    expect((err as WukongError).code).toBe('NOT_FOUND');
  });

  it("installs from the host's folder dialog, passing the precision and keeping the error code", async () => {
    const service = createFakeService();
    const client = createBridgeClient(fakeBridge(service));
    await expect(client.installModelFromDialog!({ precision: 'int8' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Folder not found: /chosen/folder' });
    expect(service.installs).toEqual([['/chosen/folder', undefined, { precision: 'int8' }]]);
  });

  it('streams an answer in order and ends with done', async () => {
    const client = createBridgeClient(fakeBridge(createFakeService({ evidence })));
    const events: AskEvent[] = [];
    for await (const e of client.ask({ library: true }, 'q', { extractive: true })) events.push(e);
    expect(events[0].type).toBe('evidence');
    expect(events.at(-1)?.type).toBe('done');
    const text = events.filter((e) => e.type === 'token').map((e) => (e as { text: string }).text).join('');
    expect(text).toContain('[1]');
  });

  it('cancels through the bridge when the signal fires', async () => {
    const service = createFakeService({ evidence, tokenMs: 50 });
    const client = createBridgeClient(fakeBridge(service));
    const controller = new AbortController();
    const events: AskEvent[] = [];
    for await (const e of client.ask({ library: true }, 'q', { signal: controller.signal })) {
      events.push(e);
      if (e.type === 'token') controller.abort();
    }
    expect(service.lastAskSignal?.aborted).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'CANCELLED' } });
  });

  it("reads a document's PDF from the app origin byte for byte, not as a whole copy through the service", async () => {
    const service = createFakeService();
    const bytes = await makePdf([['The viewer reads this page.'], ['And this one.']]);
    const { document } = await service.openDocument({ bytes, fileName: 'paper.pdf' });
    // Only the stored copy's path may be asked for: a whole read through the service fails the test.
    service.getDocumentFile = async () => {
      throw new Error('read whole');
    };
    const urls: string[] = [];
    const client = createBridgeClient(fakeBridge(service), appOrigin(service, urls));
    expect(Buffer.from(await client.getDocumentFile(document.id)).equals(Buffer.from(bytes))).toBe(true);
    expect(urls).toEqual([`/documents/${document.id}/file`]);
  });

  it('reports an unknown or malformed document id as NOT_FOUND', async () => {
    const service = createFakeService();
    const client = createBridgeClient(fakeBridge(service), appOrigin(service));
    for (const docId of ['f'.repeat(64), 'a/b', '../../etc/passwd', '%E0%A4%A', '']) {
      await expect(client.getDocumentFile(docId), JSON.stringify(docId)).rejects.toMatchObject({ name: 'WukongError', code: 'NOT_FOUND' });
    }
  });

  it("maps a failed reply to the error it stands for: the body's ErrorInfo, else the status's meaning", async () => {
    const cases: [Response, string, string?][] = [
      [new Response('Not found', { status: 404 }), 'NOT_FOUND'],
      [new Response('', { status: 405 }), 'BAD_REQUEST'],
      [new Response('oops', { status: 500 }), 'INTERNAL'],
      [new Response('{"error":"not ErrorInfo"}', { status: 413 }), 'TOO_LARGE'],
      [Response.json({ error: { code: 'BUSY', message: 'Another process has it.' } }, { status: 409 }), 'BUSY', 'Another process has it.'],
    ];
    for (const [response, code, message] of cases) {
      const client = createBridgeClient(fakeBridge(createFakeService()), async () => response);
      const err = await client.getDocumentFile('d1').catch((e: unknown) => e);
      expect(err, `${response.status}`).toBeInstanceOf(WukongError);
      expect((err as WukongError).code, `${response.status}`).toBe(code);
      if (message) expect((err as WukongError).message).toBe(message);
    }
  });
});
