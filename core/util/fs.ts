import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { toWriteError } from '../errors.js';

/**
 * Writes through a temporary file and a rename, so a crash or a full disk never leaves a
 * half-written file where a good one was.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw toWriteError(err, dirname(path));
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
