/**
 * The few HTTP rules of the Hugging Face Hub that a downloader must follow, as huggingface_hub
 * does: files live at `<mirror>/<repo>/resolve/<revision>/<path>`; the commit a revision resolved
 * to comes back in X-Repo-Commit; large (LFS) files carry their sha256 and size in X-Linked-Etag and
 * X-Linked-Size and redirect to a CDN on another host, which must never see the access token.
 */
import { WukongError } from '../errors.js';

export interface HubFileMeta {
  /** The commit the requested revision resolved to; null when the server did not say. */
  commit: string | null;
  /** Bytes, when known. */
  size: number | null;
  /** The LFS sha256 (to verify against); null for small git files, whose checksum is computed and recorded instead. */
  sha256: string | null;
}

export interface HubRequest {
  token?: string;
  signal: AbortSignal;
  /** Ask for the bytes from this offset on (HTTP Range). */
  from?: number;
  method?: 'GET' | 'HEAD';
}

const MAX_REDIRECTS = 10;

export function resolveUrl(mirror: string, repo: string, revision: string, path: string): string {
  const file = path.split('/').map(encodeURIComponent).join('/');
  return `${mirror.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** ETags arrive quoted and sometimes weak (W/"..."): only the bare value compares. */
export function bareEtag(value: string | null): string | null {
  if (!value) return null;
  return value.trim().replace(/^W\//i, '').replace(/^"(.*)"$/, '$1') || null;
}

/**
 * Reads a file's metadata from the Hub's own answer (the first one, before any CDN redirect):
 * the CDN knows nothing of commits or LFS checksums.
 */
export function fileMeta(headers: Headers): HubFileMeta {
  const linkedEtag = bareEtag(headers.get('x-linked-etag'));
  const linkedSize = numberOr(headers.get('x-linked-size'));
  const sha256 = linkedEtag && /^[0-9a-f]{64}$/i.test(linkedEtag) ? linkedEtag.toLowerCase() : null;
  return {
    commit: headers.get('x-repo-commit')?.trim() || null,
    size: linkedSize,
    sha256,
  };
}

function numberOr(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}

/**
 * One request with redirects followed by hand, so the Authorization header goes only to the host
 * it was meant for (fetch would forward it across hosts on some runtimes). Returns the final
 * response and the metadata of the first one.
 */
export async function hubFetch(url: string, req: HubRequest): Promise<{ response: Response; meta: HubFileMeta; url: string }> {
  const origin = new URL(url).origin;
  let current = url;
  let meta: HubFileMeta | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { 'User-Agent': 'wukong-reader' };
    if (req.token && new URL(current).origin === origin) headers.Authorization = `Bearer ${req.token}`;
    if (req.from) headers.Range = `bytes=${req.from}-`;
    let response: Response;
    try {
      response = await fetch(current, { method: req.method ?? 'GET', headers, redirect: 'manual', signal: req.signal });
    } catch (err) {
      if (req.signal.aborted) throw new WukongError('CANCELLED');
      throw new TransientError(`Could not reach ${new URL(current).host}`, err);
    }
    meta ??= fileMeta(response.headers);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, current);
      // As huggingface_hub: metadata lookups stay on the Hub; only downloads go on to the CDN.
      if (req.method === 'HEAD' && next.origin !== new URL(current).origin) return { response, meta, url: current };
      await response.body?.cancel();
      current = next.toString();
      continue;
    }
    if (!meta.commit) meta.commit = response.headers.get('x-repo-commit')?.trim() || null;
    // A small git file is served directly: its own length is its size (a 206's is only the rest).
    if (meta.size === null && response.status === 200) meta.size = numberOr(response.headers.get('content-length'));
    return { response, meta, url: current };
  }
  throw new WukongError('NOT_FOUND', `Too many redirects while downloading ${url}.`);
}

/** A failure worth trying again (no connection, a dropped one, a server error): the caller retries, then gives up. */
export class TransientError extends Error {
  constructor(message: string, cause?: unknown) {
    super(cause === undefined ? message : `${message}: ${describe(cause)}`);
    this.name = 'TransientError';
  }
}

export function isTransient(err: unknown): boolean {
  return !(err instanceof WukongError);
}

/** Turns a failed answer into the error a person can act on. */
export function hubError(status: number, repo: string, path: string): Error {
  if (status === 401 || status === 403) {
    return new WukongError(
      'NO_ACCESS',
      `${repo} is gated or private on the Hugging Face Hub: accept its licence on its page, then set HF_TOKEN (or the hfToken setting) to an access token of an account that has access.`,
      `HTTP ${status} for ${path}`,
    );
  }
  if (status >= 500) return new TransientError(`HTTP ${status} for ${path}`);
  if (status === 404) return new WukongError('NOT_FOUND', `${path} was not found in ${repo} on the Hub (HTTP 404).`);
  return new WukongError('NOT_FOUND', `The download of ${path} from ${repo} failed (HTTP ${status}).`);
}

export function describe(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown; code?: unknown } } | null;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${typeof e?.message === 'string' ? e.message : String(err)}${cause ? ` (${String(cause)})` : ''}`;
}
