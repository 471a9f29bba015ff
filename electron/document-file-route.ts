/**
 * app://wukong/documents/<docId>/file: the viewer's PDF, read by the main process from the library's
 * stored copy and streamed to the window. Only the path crosses from the service host; the bytes
 * never go through IPC, where a 300 MB PDF used to be held whole by the host, the main process and
 * the renderer at once. No Electron import, so the route is tested without the binary.
 */
import { pathToFileURL } from 'node:url';
import { WukongError, toWukongError } from '../core/errors.js';
import { baseHeaders, statusFor } from '../web/http-util.js';
import { CONTENT_SECURITY_POLICY } from '../web/static.js';
import { id } from '../web/validate.js';
import { DOCUMENT_FILE_PREFIX } from './bridge-types.js';

export interface DocumentFileSource {
  /** Where the service keeps the document's PDF; rejects NOT_FOUND for an unknown id. */
  filePath(docId: string): Promise<string>;
  /** Reads a file: URL as a streamed response (net.fetch in Electron). */
  fetchFile(url: string): Promise<Response>;
}

/** Whether an app:// URL asks for a document file, so the renderer's static files never answer it. */
export function isDocumentFileUrl(url: URL): boolean {
  return url.pathname.startsWith(DOCUMENT_FILE_PREFIX);
}

/**
 * The docId a document-file URL names. A malformed id, a broken percent-escape or extra path segments
 * name no document, so they are NOT_FOUND like an unknown id, and never reach the service.
 */
export function documentFileId(url: URL): string {
  const match = /^\/documents\/([^/]+)\/file$/.exec(url.pathname);
  try {
    if (!match) throw new Error('not /documents/<id>/file');
    return id(decodeURIComponent(match[1]), 'docId');
  } catch (err) {
    throw new WukongError('NOT_FOUND', 'No document with this id.', `${url.pathname.slice(0, 200)}: ${(err as Error).message}`);
  }
}

function headers(type: string, extra: Record<string, string> = {}): Headers {
  return new Headers({ ...baseHeaders(), 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Content-Type': type, ...extra });
}

function errorResponse(error: WukongError, status = statusFor(error.code), extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: error.toJSON() }), { status, headers: headers('application/json; charset=utf-8', extra) });
}

/** Never rejects: a protocol handler that throws leaves the page's fetch with a bare network error. */
export async function serveDocumentFile(request: Request, source: DocumentFileSource): Promise<Response> {
  try {
    if (request.method !== 'GET') return errorResponse(new WukongError('BAD_REQUEST', 'A document file can only be read (GET).', request.method), 405, { Allow: 'GET' });
    const path = await source.filePath(documentFileId(new URL(request.url)));
    // The service checked the file exists; it can still go (removed meanwhile) before it is read.
    const gone = (detail: string): WukongError => new WukongError('NOT_FOUND', 'The file is gone.', detail);
    const file = await source.fetchFile(pathToFileURL(path).href).catch((err: unknown) => {
      throw gone(String((err as Error)?.message ?? err));
    });
    if (!file.ok || !file.body) throw gone(`reading the stored copy answered ${file.status}`);
    return new Response(file.body, { status: 200, headers: headers('application/pdf') });
  } catch (err) {
    return errorResponse(toWukongError(err));
  }
}
