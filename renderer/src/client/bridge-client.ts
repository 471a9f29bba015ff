/**
 * Electron: the service over the preload's contextBridge API (window.wukong), except the viewer's PDF,
 * which the page fetches from its own app:// origin so it arrives as a stream, not a structured clone.
 */
import type { AskEvent, AskOptions, RequestMethod, Scope } from '../../../core/api.js';
import { WukongError } from '../../../core/errors.js';
import { documentFileUrl, type Reply, type WukongBridge } from '../../../electron/bridge-types.js';
import { requestMethods, type AppClient } from './app-client.js';
import { responseError } from './response-error.js';

function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw new WukongError(reply.error.code, reply.error.message, reply.error.detail);
}

export function bridge(): WukongBridge | undefined {
  return (globalThis as unknown as { wukong?: WukongBridge }).wukong;
}

/** `fetchFile` is the page's fetch; tests give one that answers as the main process would. */
export function createBridgeClient(api: WukongBridge, fetchFile: (url: string) => Promise<Response> = (url) => fetch(url)): AppClient {
  let askCount = 0;
  const askListeners = new Map<string, (event: AskEvent) => void>();
  api.onAskEvent((askId, event) => askListeners.get(askId)?.(event));

  async function* ask(scope: Scope, question: string, options: AskOptions = {}): AsyncIterable<AskEvent> {
    const { signal, ...rest } = options;
    const askId = `ask${++askCount}-${Date.now()}`;
    const queue: AskEvent[] = [];
    let wake: (() => void) | undefined;
    askListeners.set(askId, (event) => {
      queue.push(event);
      wake?.();
    });
    const onAbort = (): void => api.cancelAsk(askId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      api.ask(askId, scope, question, rest);
      for (;;) {
        while (queue.length === 0) await new Promise<void>((r) => (wake = r));
        const event = queue.shift()!;
        yield event;
        if (event.type === 'done' || event.type === 'error') return;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      askListeners.delete(askId);
    }
  }

  async function getDocumentFile(docId: string): Promise<Uint8Array> {
    const res = await fetchFile(documentFileUrl(docId));
    if (!res.ok) throw await responseError(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  return {
    kind: 'electron',
    ...requestMethods(async (method: RequestMethod, args: unknown[]) => unwrap(await api.request(method, args))),
    ask,
    onEvent: (listener) => api.onServiceEvent(listener),
    getDocumentFile,
    openFiles: async (files) => unwrap(await api.openFiles(files)),
    showOpenDialog: async () => unwrap(await api.showOpenDialog()),
    installModelFromDialog: async (options) => unwrap(await api.installModelFromDialog(options)),
    onCommand: (listener) => api.onCommand(listener),
  };
}
