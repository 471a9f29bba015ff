import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WukongError, toWukongError } from '../errors.js';

export interface DownloadOptions {
  size: number;
  sha256: string;
  signal: AbortSignal;
  onBytes: (bytesSoFar: number) => void;
}

/**
 * Fetches one pinned file into `dest`, resuming a `.part` left by an interrupted run (HTTP Range),
 * and renames it into place only when its size and sha256 match the pin.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions): Promise<void> {
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  let have = await stat(part).then((s) => s.size, () => 0);
  if (have > opts.size) {
    await rm(part, { force: true });
    have = 0;
  }
  if (have < opts.size) {
    let res: Response;
    try {
      res = await fetch(url, { signal: opts.signal, headers: have ? { Range: `bytes=${have}-` } : {} });
    } catch (err) {
      if (opts.signal.aborted) throw new WukongError('CANCELLED');
      throw new WukongError('NOT_FOUND', `Could not reach ${new URL(url).host} to download the model.`, String(err));
    }
    if (res.status === 200) have = 0; // the server ignored the range: start over
    else if (res.status !== 206) throw new WukongError('NOT_FOUND', `The download of ${url} failed (HTTP ${res.status}).`);
    const fh = await open(part, have ? 'a' : 'w');
    try {
      if (!res.body) throw new WukongError('NOT_FOUND', `The download of ${url} returned no data.`);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (opts.signal.aborted) throw new WukongError('CANCELLED');
        await fh.write(chunk);
        have += chunk.byteLength;
        opts.onBytes(have);
        if (have > opts.size) break;
      }
    } catch (err) {
      throw opts.signal.aborted ? new WukongError('CANCELLED') : toWukongError(err);
    } finally {
      await fh.close();
    }
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(part)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (have !== opts.size || actual !== opts.sha256) {
    await rm(part, { force: true });
    throw new WukongError('MODEL_INVALID', `The downloaded ${dest.split(/[\\/]/).pop()} does not match its pinned size and checksum.`);
  }
  await rename(part, dest);
}
