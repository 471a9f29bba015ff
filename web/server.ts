/**
 * Web mode: the app in an ordinary browser, served from 127.0.0.1 by the same service the CLI
 * and Electron use. A thin transport: each route validates its input and calls one service method.
 *
 *   POST /api/<method>          JSON {args: [...]} -> {result} | {error: ErrorInfo}  (REQUEST_METHODS)
 *   POST /api/ask               JSON {scope, question, options} -> NDJSON of AskEvent; closing the
 *                               connection cancels the answer
 *   POST /api/upload?name=F     raw PDF bytes -> {result: OpenResult}  (browser drag and drop / Open)
 *   GET  /api/events            server-sent events, one ServiceEvent per `data:` line
 *   GET  /api/documents/<id>/file   the PDF bytes, for the viewer (streamed from disk; Range requests)
 *   GET  /*                     the renderer (dist/renderer)
 *
 * Every API call needs the per-run token (header X-Wukong-Token); every request needs Host
 * 127.0.0.1:<port> or localhost:<port>. See security.ts for why.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AskEvent, OpenResult, WukongService } from '../core/api.js';
import { WukongError, toWukongError } from '../core/errors.js';
import { BODY_IDLE_MS, baseHeaders, decodeSegment, readJsonObject, requestUrl, saveBody, sendError, sendJson } from './http-util.js';
import { allowedHosts, hostAllowed, newToken, originAllowed, tokenMatches, tokenOf } from './security.js';
import { sendFile } from './send-file.js';
import { defaultStaticDir, serveStatic } from './static.js';
import { askArgs, fileName, id, isRequestMethod, validateRequest } from './validate.js';

/** An encrypted PDF's password travels in a header (percent-encoded), never in the URL, which ends up in logs. */
const PASSWORD_HEADER = 'x-wukong-password';

function uploadPassword(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || value.length > 4096) throw new WukongError('BAD_REQUEST', 'The password header is not valid.');
  try {
    return decodeURIComponent(value);
  } catch {
    throw new WukongError('BAD_REQUEST', 'The password header is not valid.');
  }
}

export interface WebServerOptions {
  service: WukongService;
  /** 0 or absent: any free port. */
  port?: number;
  /** Loopback only, on purpose: nothing else is accepted. */
  host?: '127.0.0.1';
  /** Where the built renderer lives (default: dist/renderer). */
  staticDir?: string;
  /** Fixed token, for tests; default: 32 random bytes per run. */
  token?: string;
  /** Largest PDF accepted by upload (default 1 GiB). */
  maxUploadBytes?: number;
  /** Time a client gets to send its headers, and its whole request (defaults: 10 s and 10 min). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** A request body that sends nothing for this long is refused (default 30 s). */
  bodyIdleTimeoutMs?: number;
}

export interface WebServer {
  /** Open this in a browser: it carries the token in its fragment (never sent over the network). */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const JSON_LIMIT = 1024 * 1024;
const KEEPALIVE_MS = 20_000;
// A browser on the same machine sends its headers at once; a client that trickles them holds a socket for nothing.
const HEADERS_TIMEOUT_MS = 10_000;
// Long enough for a 1 GiB upload from a slow disk, short enough that a stalled body does not linger.
const REQUEST_TIMEOUT_MS = 10 * 60_000;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new WukongError('BAD_REQUEST', 'The web server only listens on 127.0.0.1.');
  const { service } = options;
  const token = options.token ?? newToken();
  const staticDir = resolve(options.staticDir ?? defaultStaticDir());
  const maxUpload = options.maxUploadBytes ?? 1024 ** 3;
  const bodyIdle = options.bodyIdleTimeoutMs ?? BODY_IDLE_MS;
  let hosts = new Set<string>();
  const closers = new Set<() => void>();
  const sockets = new Set<Socket>();

  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/api/ask') return ask(req, res);
    if (method === 'POST' && path === '/api/upload') return upload(req, res);
    if (method === 'GET' && path === '/api/events') return events(req, res);
    const file = /^\/api\/documents\/([^/]+)\/file$/.exec(path);
    if ((method === 'GET' || method === 'HEAD') && file) {
      const path = await service.getDocumentFilePath(id(decodeSegment(file[1]), 'docId'));
      return sendFile(req, res, path, 'application/pdf');
    }
    const call = /^\/api\/([A-Za-z]+)$/.exec(path);
    if (method === 'POST' && call && isRequestMethod(call[1])) {
      const body = await readJsonObject(req, JSON_LIMIT, bodyIdle);
      const args = validateRequest(call[1], body.args ?? []);
      const fn = service[call[1]] as (...a: unknown[]) => Promise<unknown>;
      const result = await fn.apply(service, args);
      sendJson(res, 200, { result: result ?? null });
      return;
    }
    throw new WukongError('NOT_FOUND', 'No such API endpoint.', `${method} ${path}`);
  }

  async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    const name = fileName(url.searchParams.get('name') ?? 'document.pdf');
    const password = uploadPassword(req.headers[PASSWORD_HEADER]);
    // Through a file, not memory: the service hashes and copies it from disk, so a 300 MB upload costs the
    // server kilobytes until the parse reads it once.
    const folder = await mkdtemp(join(tmpdir(), 'wukong-upload-'));
    let result: OpenResult;
    try {
      const path = join(folder, 'upload.pdf');
      await saveBody(req, path, maxUpload, bodyIdle);
      result = await service.openDocument({ path, fileName: name }, password === undefined ? {} : { password });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    sendJson(res, 200, { result });
  }

  async function ask(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonObject(req, JSON_LIMIT, bodyIdle);
    const [scope, question, opts] = askArgs([body.scope, body.question, body.options]);
    const controller = new AbortController();
    // The browser aborting its fetch (Cancel, closing the tab) closes the socket: stop the work.
    res.on('close', () => controller.abort());
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/x-ndjson; charset=utf-8' });
    res.flushHeaders();
    const write = (event: AskEvent): void => {
      if (!res.writableEnded && !res.destroyed) res.write(JSON.stringify(event) + '\n');
    };
    try {
      for await (const event of service.ask(scope, question, { ...opts, signal: controller.signal })) {
        if (controller.signal.aborted) break;
        write(event);
      }
    } catch (err) {
      write({ type: 'error', error: toWukongError(err).toJSON() });
    }
    res.end();
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    const unsubscribe = service.onEvent((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    const stop = (): void => {
      clearInterval(keepalive);
      unsubscribe();
      closers.delete(stop);
      res.end();
    };
    closers.add(stop);
    req.on('close', stop);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, hosts)) {
      sendJson(res, 403, { error: { code: 'BAD_REQUEST', message: 'This server only answers on 127.0.0.1 and localhost.' } });
      return;
    }
    const path = requestUrl(req).pathname;
    if (path.startsWith('/api/')) {
      if (!originAllowed(req, hosts)) {
        sendJson(res, 403, { error: { code: 'BAD_REQUEST', message: 'Requests from other sites are refused.' } });
        return;
      }
      if (!tokenMatches(tokenOf(req), token)) {
        sendJson(res, 401, { error: { code: 'BAD_REQUEST', message: 'Open the link printed by `wukong serve`: it carries the access token.' } });
        return;
      }
      return api(req, res, path);
    }
    const method = req.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && (await serveStatic(staticDir, path, res, method === 'HEAD'))) return;
    sendJson(res, 404, { error: new WukongError('NOT_FOUND').toJSON() });
  }

  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server: Server = createServer({
    headersTimeout,
    requestTimeout,
    // Node looks for expired requests on this interval; it must be finer than the shortest limit.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
  }, (req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(port);
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    close: async () => {
      for (const stop of [...closers]) stop();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
