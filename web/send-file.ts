/**
 * Sends a file from disk as it is read, never whole in memory, with single-range requests
 * (`Range: bytes=…`), which pdf.js and media players make. A client that goes away mid-file
 * closes the file; a file that cannot be opened fails before any header is sent, so the caller's
 * error reply still applies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { WukongError } from '../core/errors.js';
import { baseHeaders } from './http-util.js';

export type ByteRange = { start: number; end: number };

/**
 * The one range a `Range` header asks of a file of `size` bytes: undefined to send the whole file (no
 * header, another unit, several ranges, or a malformed one, which RFC 9110 lets a server ignore), or
 * 'unsatisfiable' when it starts past the end.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, type: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => {
    throw new WukongError('NOT_FOUND', 'The file is gone.');
  });
  let stream: ReturnType<typeof handle.createReadStream> | undefined;
  try {
    const { size } = await handle.stat();
    // If-Range would need a validator this reply does not give; without one the whole file is the safe answer.
    const range = req.headers['if-range'] === undefined ? parseRange(req.headers.range, size) : undefined;
    const headers = { ...baseHeaders(), 'Content-Type': type, 'Accept-Ranges': 'bytes' };
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'Content-Length': end - start + 1,
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (size === 0 || req.method === 'HEAD') {
      res.end();
      return;
    }
    // The stream owns the handle from here: it closes it when it ends, fails or is destroyed.
    stream = handle.createReadStream({ start, end, autoClose: true });
    await pipeline(stream, res);
  } catch (err) {
    if (!res.headersSent) throw err;
    // Headers are out: the client went away, or the disk failed mid-file; a cut-off reply is all that is left.
    res.destroy();
  } finally {
    if (!stream) await handle.close();
  }
}
