import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { toWriteError } from '../errors.js';

/**
 * Writes through a temporary file (a name of its own, so two processes never write one temp file)
 * and a rename, so a crash or a full disk never leaves a half-written file where a good one was.
 * The file is flushed to the disk before the rename and the folder after it: without that, a power
 * cut can leave the new name pointing at an empty or partial file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
    await syncFolder(dirname(path));
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw toWriteError(err, dirname(path));
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
