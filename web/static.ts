/** Serves the built renderer (dist/renderer) read-only, with the app's content security policy. */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseHeaders } from './http-util.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
  '.icc': 'application/octet-stream',
};

/**
 * Same policy as the Electron window: only our own files; pdf.js needs a module worker,
 * WebAssembly (image decoders) and blob: URLs for fonts and thumbnails.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** dist/web/server.js finds dist/renderer; web/server.ts run from source finds ../dist/renderer. */
export function defaultStaticDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [resolve(here, '../renderer'), resolve(here, '../dist/renderer')];
  // app.js, not index.html: from source, ../renderer is the unbuilt renderer folder.
  return candidates.find((dir) => existsSync(join(dir, 'app.js'))) ?? candidates[1];
}

export async function serveStatic(root: string, urlPath: string, res: ServerResponse, head: boolean): Promise<boolean> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(root, rel));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  const type = TYPES[extname(file).toLowerCase()];
  if (type === undefined) return false;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    const body = head ? undefined : await readFile(file);
    res.writeHead(200, {
      ...baseHeaders(),
      'Content-Type': type,
      'Content-Length': info.size,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    });
    res.end(body);
    return true;
  } catch {
    return false;
  }
}
