import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { WukongError } from '../errors.js';
import { sha256File } from './hash.js';
import { hubError, hubFetch, isTransient, TransientError } from './hub.js';

export interface Retry {
  /** How many times a dropped or refused connection is retried before giving up. */
  retries: number;
  /** Wait before the n-th retry: n times this. */
  delayMs: number;
}

export const DEFAULT_RETRY: Retry = { retries: 5, delayMs: 1_000 };

export interface FileRequest {
  url: string;
  /** For messages: which repo and file this is. */
  repo: string;
  path: string;
  /** What the Hub promised; null = unknown (then the size and checksum are recorded, not checked). */
  size: number | null;
  sha256: string | null;
  token?: string;
  signal: AbortSignal;
  onBytes: (bytesSoFar: number) => void;
  retry?: Retry;
}

/**
 * Fetches one file into `dest`: resumes a `.part` left by an interrupted run with a Range request
 * (starting over when the server answers with the whole file), retries a dropped connection from
 * where it broke, and renames the file into place only once its size and sha256 match what the
 * Hub promised. Returns what was measured, for the install record.
 */
export async function downloadFile(dest: string, req: FileRequest): Promise<{ size: number; sha256: string }> {
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  let have = await stat(part).then((s) => s.size, () => 0);
  if (req.size !== null && have > req.size) have = await restart(part);
  await withRetries(req.retry ?? DEFAULT_RETRY, req.signal, `the download of ${req.path}`, async () => {
    if (req.size !== null && have === req.size) return;
    have = await fetchInto(part, have, req, (n) => {
      have = n;
      req.onBytes(n);
    });
  });
  const sha256 = await sha256File(part);
  if ((req.size !== null && have !== req.size) || (req.sha256 !== null && sha256 !== req.sha256)) {
    await rm(part, { force: true });
    throw new WukongError(
      'MODEL_INVALID',
      `The downloaded ${basename(dest)} does not match the size and sha256 the Hub gave for it; it was deleted. Download it again.`,
      `expected ${req.size} bytes ${req.sha256 ?? '(no sha256)'}, got ${have} bytes ${sha256}`,
    );
  }
  await rename(part, dest);
  return { size: have, sha256 };
}

/** One request's worth of bytes appended to `part`; `progress` sees the length after every chunk. */
async function fetchInto(part: string, have: number, req: FileRequest, progress: (n: number) => void): Promise<number> {
  const { response } = await hubFetch(req.url, { token: req.token, signal: req.signal, from: have || undefined });
  if (response.status === 416 && have > 0) {
    // The server has less than our .part: it is not the file we were resuming.
    await response.body?.cancel();
    progress(await restart(part));
    throw new TransientError('the partial file did not match; starting over');
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw hubError(response.status, req.repo, req.path);
  }
  // A 200 answer to a Range request is the whole file, and so is a 206 that starts elsewhere.
  if (response.status === 200 || rangeStart(response) !== have) have = 0;
  const fh = await open(part, have ? 'a' : 'w');
  try {
    if (!response.body) throw new TransientError('the server sent no data');
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await fh.write(chunk);
      have += chunk.byteLength;
      progress(have);
      if (req.size !== null && have > req.size) break;
    }
  } finally {
    await fh.close();
  }
  if (req.size !== null && have < req.size) throw new TransientError(`the connection closed after ${have} of ${req.size} bytes`);
  return have;
}

function rangeStart(response: Response): number | null {
  const m = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : null;
}

async function restart(part: string): Promise<number> {
  await rm(part, { force: true });
  return 0;
}

/**
 * Runs `attempt` until it succeeds, retrying transient failures (no connection, a dropped one,
 * a server error) a bounded number of times; errors that another try cannot fix pass straight through.
 */
export async function withRetries<T>(retry: Retry, signal: AbortSignal, what: string, attempt: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted) throw new WukongError('CANCELLED');
      if (!isTransient(err)) throw err;
      if (n >= retry.retries) {
        throw new WukongError(
          'NOT_FOUND',
          `${capitalise(what)} failed after ${n + 1} tries (the connection kept failing). Run it again: it resumes where it stopped.`,
          err instanceof Error ? err.message : String(err),
        );
      }
      await sleep(retry.delayMs * (n + 1), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new WukongError('CANCELLED'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
