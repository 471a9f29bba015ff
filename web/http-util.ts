/** Small helpers for node:http so the routes in server.ts read as a list of endpoints. */
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
  sendJson(res, statusFor(info.code), { error: info });
}

/** Reads the whole body, refusing more than `limit` bytes before buffering them. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new WukongError('TOO_LARGE');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) throw new WukongError('TOO_LARGE');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  // Requiring JSON also forces a CORS preflight on any cross-site attempt, which we never grant.
  if (!type.toLowerCase().startsWith('application/json')) throw new WukongError('BAD_REQUEST', 'The request was not valid.', 'expected application/json');
  const body = await readBody(req, limit);
  if (body.byteLength === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new WukongError('BAD_REQUEST', 'The request was not valid.', 'body is not JSON');
  }
}
