/**
 * The renderer's Electron client against a bridge that behaves like preload + main + service
 * host (Reply envelopes, ask events by id), without Electron: checks that errors keep their
 * codes across the bridge, answers stream in order, and cancelling reaches the service.
 */
import { describe, expect, it } from 'vitest';
import type { AskEvent, RequestMethod, ServiceEvent, WukongService } from '../../core/api.js';
import { WukongError, toWukongError } from '../../core/errors.js';
import type { Reply, WukongBridge } from '../../electron/bridge-types.js';
import { createBridgeClient } from '../../renderer/src/client/bridge-client.js';
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
    getDocumentFile: (docId) => reply(() => service.getDocumentFile(docId)),
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
    installModelFromDialog: async () => ({ ok: true, value: null }),
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
});
