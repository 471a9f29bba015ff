import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { WukongError, toWriteError } from '../errors.js';
import { growableBytes } from './growable-bytes.js';

/**
 * Writes through a temporary file (a name of its own, so two processes never write one temp file)
 * and a rename, so a crash or a full disk never leaves a half-written file where a good one was.
 * The file is flushed to the disk before the rename and the folder after it: without that, a power
 * cut can leave the new name pointing at an empty or partial file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await throughTemporary(path, async (tmp) => {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
  });
}

/** copyFile the same way; the bytes never pass through this process. */
export async function copyFileAtomic(from: string, path: string): Promise<void> {
  await throughTemporary(path, async (tmp) => {
    await copyFile(from, tmp).catch((err: NodeJS.ErrnoException) => {
      // The source gone (moved or deleted since it was hashed) is not a problem with the folder written to.
      throw err.code === 'ENOENT' && err.path === from ? new WukongError('NOT_FOUND', `File not found: ${from}`) : err;
    });
    const file = await open(tmp, 'r+');
    try {
      await file.sync();
    } finally {
      await file.close();
    }
  });
}

async function throughTemporary(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await write(tmp);
    await rename(tmp, path);
    await syncFolder(dirname(path));
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw err instanceof WukongError ? err : toWriteError(err, dirname(path));
  }
}

/**
 * A whole file as a Uint8Array that owns its buffer from its first byte to its last, read straight into it:
 * such bytes can be moved to a worker thread and handed to pdf.js without a copy (fs.readFile gives a Buffer,
 * which pdf.js refuses, and wrapping it in a new Uint8Array copies it). `room(size)` bytes more are reserved
 * so the buffer can later grow in place (growable-bytes.ts): address space, not memory, until used.
 */
export async function readWholeFile(path: string, room: (size: number) => number = () => 0): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = growableBytes(size, room(size));
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // A file cut short while it was read keeps what was there (slice: a buffer of its own again).
    return filled === size ? bytes : bytes.slice(0, filled);
  } finally {
    await handle.close();
  }
}

/** Makes a rename in `dir` durable. Windows cannot open a folder for fsync; there NTFS's own journal has to do. */
export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value));
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function readJsonOr<T>(path: string, fallback: T): Promise<T> {
  try {
    return await readJson<T>(path);
  } catch {
    return fallback;
  }
}

/**
 * The JSON record `file` of each subfolder of `root` whose name passes `accept` (a missing root
 * or an unreadable record just means none): how the library and the model store list themselves.
 */
export async function readRecords<T>(root: string, file: string, accept: (name: string) => boolean = () => true): Promise<T[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const name of names.filter(accept)) {
    const rec = await readJsonOr<T | null>(join(root, name, file), null);
    if (rec) out.push(rec);
  }
  return out;
}
