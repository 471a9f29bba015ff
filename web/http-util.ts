/** Small helpers for node:http so the routes in server.ts read as a list of endpoints. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode, ErrorInfo } from '../core/errors.js';
import { WukongError, toWukongError } from '../core/errors.js';

/** HTTP status per error code: 4xx are the caller's or the file's fault, 5xx ours. */
const STATUS: Record<ErrorCode, number> = {
  NOT_FOUND: 404,
  NOT_PDF: 415,
  CORRUPT_PDF: 422,
  ENCRYPTED: 422,
  BAD_PASSWORD: 422,
  NO_TEXT: 422,
  EMPTY_PDF: 422,
  TOO_LARGE: 413,
  PAGE_TIMEOUT: 422,
  MODEL_MISSING: 409,
  MODEL_INVALID: 409,
  DISK_FULL: 507,
  NO_ACCESS: 507,
  CANCELLED: 409,
  BUSY: 409,
  NOT_IMPLEMENTED: 501,
  BAD_REQUEST: 400,
  INTERNAL: 500,
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

/** Headers every response carries: nothing is cached, sniffed or framed by another site. */
export function baseHeaders(): Record<string, string> {
  return {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.byteLength });
  res.end(data);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const info: ErrorInfo = toWukongError(err).toJSON();
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A request refused before its body was read (too large, stalled) ends its connection with the reply.
  if (!res.req.complete) res.setHeader('Connection', 'close');
  sendJson(res, statusFor(info.code), { error: info });
}

/** A body that stops arriving for this long is given up: a stalled client must not hold a request open. */
export const BODY_IDLE_MS = 30_000;

/**
 * Hands the body to `onChunk` as it arrives, refusing more than `limit` bytes and a body that stalls; a chunk
 * whose handling returns a promise holds the rest back until it settles. Resolves with the size once all came.
 */
function receiveBody(req: IncomingMessage, limit: number, idleMs: number, onChunk: (chunk: Buffer) => Promise<void> | void): Promise<number> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new WukongError('TOO_LARGE'));
  return new Promise((resolve, reject) => {
    let size = 0;
    let done = false;
    const fail = (err: unknown): void => {
      stop();
      reject(err);
    };
    const timer = setTimeout(() => fail(new WukongError('BAD_REQUEST', 'The request body stopped arriving and timed out.', `nothing for ${idleMs} ms`)), idleMs);
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > limit) return fail(new WukongError('TOO_LARGE'));
      timer.refresh();
      const pending = onChunk(chunk);
      if (pending) {
        req.pause();
        pending.then(() => {
          if (!done) req.resume();
        }, fail);
      }
    };
    const onEnd = (): void => {
      stop();
      resolve(size);
    };
    const stop = (): void => {
      done = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', fail);
      // The rest of the body is not wanted: the reply closes the connection instead of draining it.
      if (!req.complete) req.pause();
    };
    req.on('data', onData).on('end', onEnd).on('error', fail);
  });
}

/** Reads the whole body, refusing more than `limit` bytes before buffering them, and a body that stalls. */
export async function readBody(req: IncomingMessage, limit: number, idleMs = BODY_IDLE_MS): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const size = await receiveBody(req, limit, idleMs, (chunk) => void chunks.push(chunk));
  return Buffer.concat(chunks, size);
}

/**
 * Writes the body to a new file at `path` as it arrives, with readBody's limits: an upload of a large PDF
 * is never whole in memory. A refused or broken body leaves no file behind.
 */
export async function saveBody(req: IncomingMessage, path: string, limit: number, idleMs = BODY_IDLE_MS): Promise<void> {
  const out = createWriteStream(path, { flags: 'wx' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  try {
    await Promise.race([failed, receiveBody(req, limit, idleMs, (chunk) => (out.write(chunk) ? undefined : once(out, 'drain').then(() => undefined)))]);
    out.end();
    await Promise.race([failed, once(out, 'finish')]);
  } catch (err) {
    out.destroy();
    await rm(path, { force: true });
    throw toWukongError(err);
  }
}

export async function readJson(req: IncomingMessage, limit: number, idleMs?: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  // Requiring JSON also forces a CORS preflight on any cross-site attempt, which we never grant.
  if (!type.toLowerCase().startsWith('application/json')) throw new WukongError('BAD_REQUEST', 'The request was not valid.', 'expected application/json');
  const body = await readBody(req, limit, idleMs);
  if (body.byteLength === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new WukongError('BAD_REQUEST', 'The request was not valid.', 'body is not JSON');
  }
}

/** A JSON body that must be an object: `null`, numbers, strings and arrays are refused with 400, not a crash. */
export async function readJsonObject(req: IncomingMessage, limit: number, idleMs?: number): Promise<Record<string, unknown>> {
  const body = await readJson(req, limit, idleMs);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WukongError('BAD_REQUEST', 'The request body must be a JSON object.', `got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`);
  }
  return body as Record<string, unknown>;
}

/** The request's path and query; a target `new URL` cannot read (`//`, `http://[`) is the client's error. */
export function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://x');
  } catch {
    throw new WukongError('BAD_REQUEST', 'The request URL is malformed.', String(req.url).slice(0, 200));
  }
}

/** A percent-decoded path segment; a broken escape (`%E0%A4%A`) is the client's error. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new WukongError('BAD_REQUEST', 'The request URL is malformed.', `bad percent-encoding in ${segment.slice(0, 200)}`);
  }
}
