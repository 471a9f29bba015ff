/**
 * app://wukong/… serves dist/renderer to the window. A custom, privileged scheme instead of
 * file:// gives the page a real origin (module workers, fetch of pdf.js assets), lets us attach
 * the CSP as a header, and confines what the window can load to that one folder and the library's
 * PDFs, which it streams by docId (app://wukong/documents/<docId>/file).
 */
import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../web/static.js';
import { isDocumentFileUrl, serveDocumentFile } from './document-file-route.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'wukong';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** `documentFilePath` asks the service where a document's PDF lies (see document-file-route.ts). */
export function serveAppScheme(rendererDir: string, documentFilePath: (docId: string) => Promise<string>): void {
  const root = normalize(rendererDir + sep);
  const documents = { filePath: documentFilePath, fetchFile: (url: string) => net.fetch(url) };
  protocol.handle(APP_SCHEME, async (request) => {
    const url = URL.canParse(request.url) ? new URL(request.url) : undefined;
    if (url?.host === APP_HOST && isDocumentFileUrl(url)) return serveDocumentFile(request, documents);
    const file = appFile(root, request.url);
    if (file === undefined || request.method !== 'GET') return new Response('Not found', { status: 404 });
    // net.fetch rejects for a missing file; a handler that throws gives the page a bare network error instead of a 404.
    const response = await net.fetch(pathToFileURL(file).toString()).catch(() => undefined);
    if (!response?.ok) return new Response('Not found', { status: 404 });
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    if (file.endsWith('.mjs') || file.endsWith('.js')) headers.set('Content-Type', 'text/javascript');
    return new Response(response.body, { status: 200, headers });
  });
}

/**
 * The file under `root` an app:// URL names, or undefined: another host, a path that climbs out, or a
 * broken percent-escape (`%E0%A4%A`), which would otherwise throw inside the protocol handler.
 */
export function appFile(root: string, url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.host !== APP_HOST) return undefined;
    const file = normalize(join(root, decodeURIComponent(u.pathname)));
    return file.startsWith(root) ? file : undefined;
  } catch {
    return undefined;
  }
}

export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}
