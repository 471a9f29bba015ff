/** Web mode: the service over the local server's HTTP API (see web/server.ts). */
import type { AskEvent, AskOptions, OpenOptions, OpenResult, RequestMethod, Scope, ServiceEvent } from '../../../core/api.js';
import { WukongError } from '../../../core/errors.js';
import { requestMethods, type AppClient } from './app-client.js';
import { readLines } from './lines.js';
import { responseError } from './response-error.js';

const TOKEN_KEY = 'wukong.token';

/** The token arrives in the URL fragment; keep it for reloads and take it out of the address bar. */
export function takeToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function createHttpClient(token: string): AppClient {
  const headers = { 'X-Wukong-Token': token };

  async function post(path: string, body: BodyInit, type: string, signal?: AbortSignal, extra: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(path, { method: 'POST', headers: { ...headers, ...extra, 'Content-Type': type }, body, signal });
    if (!res.ok) throw await responseError(res);
    return res;
  }

  /**
   * The password rides in a header, percent-encoded (headers are Latin-1 only), rather than the
   * query string, which ends up in logs. NOTE: web/server.ts's upload route does not read it yet.
   */
  async function upload(body: BodyInit, name: string, options: OpenOptions = {}): Promise<OpenResult> {
    const extra: Record<string, string> = options.password ? { 'X-Wukong-Password': encodeURIComponent(options.password) } : {};
    const res = await post(`api/upload?name=${encodeURIComponent(name)}`, body, 'application/pdf', undefined, extra);
    return ((await res.json()) as { result: OpenResult }).result;
  }

  async function getDocumentFile(docId: string): Promise<Uint8Array> {
    const res = await fetch(`api/documents/${encodeURIComponent(docId)}/file`, { headers });
    if (!res.ok) throw await responseError(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  async function call(method: RequestMethod, args: unknown[]): Promise<unknown> {
    const res = await post(`api/${method}`, JSON.stringify({ args }), 'application/json');
    return ((await res.json()) as { result: unknown }).result;
  }

  async function* ask(scope: Scope, question: string, options: AskOptions = {}): AsyncIterable<AskEvent> {
    const { signal, ...rest } = options;
    let res: Response;
    try {
      res = await post('api/ask', JSON.stringify({ scope, question, options: rest }), 'application/json', signal);
    } catch (err) {
      if (signal?.aborted) return yield { type: 'error', error: new WukongError('CANCELLED').toJSON() };
      throw err;
    }
    try {
      for await (const line of readLines(res.body!)) if (line.trim()) yield JSON.parse(line) as AskEvent;
    } catch (err) {
      // Aborting the fetch is how we cancel: the server sees the connection close and stops.
      if (signal?.aborted) return yield { type: 'error', error: new WukongError('CANCELLED').toJSON() };
      throw err;
    }
  }

  function onEvent(listener: (event: ServiceEvent) => void): () => void {
    const controller = new AbortController();
    // fetch rather than EventSource: EventSource cannot send the token header.
    const listen = async (): Promise<void> => {
      while (!controller.signal.aborted) {
        try {
          const res = await fetch('api/events', { headers, signal: controller.signal });
          if (!res.ok) throw await responseError(res);
          for await (const line of readLines(res.body!)) {
            if (line.startsWith('data: ')) listener(JSON.parse(line.slice(6)) as ServiceEvent);
          }
        } catch (err) {
          if (controller.signal.aborted) return;
          if (err instanceof WukongError && err.code === 'BAD_REQUEST') return;
        }
        await new Promise((r) => setTimeout(r, 1_000));
      }
    };
    void listen();
    return () => controller.abort();
  }

  return {
    kind: 'web',
    ...requestMethods(call),
    ask,
    onEvent,
    getDocumentFile,
    async openFiles(files: File[]): Promise<OpenResult[]> {
      const results: OpenResult[] = [];
      for (const file of files) results.push(await upload(file, file.name));
      return results;
    },
    onCommand: () => () => {},
  };
}
