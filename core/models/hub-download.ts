/**
 * Downloads a set of files of one Hub repo into a folder, all from one commit: the first answer
 * pins the commit a branch resolved to (unless one was pinned already) and every later request
 * names that commit, so the files can never mix two versions of a model. What was fetched is
 * remembered in the folder, so a cancelled or interrupted download resumes where it stopped.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WukongError } from '../errors.js';
import { readJsonOr, writeJsonAtomic } from '../util/fs.js';
import { DEFAULT_RETRY, downloadFile, withRetries, type Retry } from './download.js';
import { hubError, hubFetch, resolveUrl, type HubFileMeta } from './hub.js';
import type { ManifestFile } from './manifest.js';

export interface RepoRequest {
  mirror: string;
  repo: string;
  /** A commit pinned earlier (manifest or install record), or a branch or tag to resolve now and pin; null = "main". */
  revision: string | null;
  token?: string;
  files: ManifestFile[];
  signal: AbortSignal;
  onProgress: (done: number, total: number, file: string) => void;
  retry?: Retry;
}

export interface FetchedFile {
  path: string;
  size: number;
  sha256: string;
}

export interface RepoResult {
  /** The commit every file came from (null only if the server never said). */
  commit: string | null;
  files: FetchedFile[];
}

/** Kept inside the download folder while it is incomplete; removed before install. */
export const STATE_FILE = '.wukong-download.json';

interface State {
  repo: string;
  commit: string | null;
  fetched: FetchedFile[];
}

interface Planned {
  path: string;
  meta: HubFileMeta;
}

export async function downloadRepo(dir: string, req: RepoRequest): Promise<RepoResult> {
  const statePath = join(dir, STATE_FILE);
  const saved = await readJsonOr<State | null>(statePath, null);
  const pinned = req.revision && /^[0-9a-f]{40}$/i.test(req.revision) ? req.revision : null;
  const ref = req.revision ?? 'main';
  // Parts left by an earlier try belong to the commit that try resolved: resume on it.
  const resumable = saved?.repo === req.repo && (!pinned || saved.commit === pinned);
  if (saved && !resumable) {
    // Parts of another commit would be resumed into the wrong file: start from an empty folder.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
  }
  const state: State = resumable ? saved : { repo: req.repo, commit: pinned, fetched: [] };
  const at = (path: string): string => resolveUrl(req.mirror, req.repo, state.commit ?? ref, path);
  const retry = req.retry ?? DEFAULT_RETRY;

  const planned: Planned[] = [];
  const queue: Pick<ManifestFile, 'path' | 'alternative' | 'size' | 'sha256'>[] = req.files.map((f) => ({ ...f }));
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i];
    let found = await lookUp(at(file.path), file.path, req, state, retry);
    if (!found && file.alternative) found = await lookUp(at(file.alternative), file.alternative, req, state, retry);
    if (!found) throw hubError(404, req.repo, file.path);
    if (found.path === file.path) {
      // What we pinned outranks the server's claim.
      if (file.sha256) found.meta.sha256 = file.sha256;
      if (file.size !== null) found.meta.size = file.size;
    }
    await writeJsonAtomic(statePath, state);
    planned.push(found);
    if (found.path.endsWith('.safetensors.index.json')) {
      // The shards' names are only in the index: fetch it now, then look the shards up too.
      await fetchOne(dir, at(found.path), found, req, state, retry, () => {});
      for (const shard of await shardNames(join(dir, found.path))) {
        if (!queue.some((q) => q.path === shard)) queue.push({ path: shard, size: null, sha256: null });
      }
    }
  }

  const total = planned.reduce((s, p) => s + (p.meta.size ?? 0), 0);
  let before = 0;
  for (const p of planned) {
    await fetchOne(dir, at(p.path), p, req, state, retry, (n) => req.onProgress(before + n, total, p.path));
    before += p.meta.size ?? state.fetched.find((f) => f.path === p.path)!.size;
    req.onProgress(before, total, p.path);
  }
  return { commit: state.commit, files: planned.map((p) => state.fetched.find((f) => f.path === p.path)!) };
}

/** HEAD on the Hub: size, LFS sha256 and commit, without the body. null when the repo has no such file. */
async function lookUp(url: string, path: string, req: RepoRequest, state: State, retry: Retry): Promise<Planned | null> {
  const { response, meta } = await withRetries(retry, req.signal, `looking up ${path}`, () =>
    hubFetch(url, { token: req.token, signal: req.signal, method: 'HEAD' }),
  );
  if (response.status === 404) return null;
  if (response.status >= 400) throw hubError(response.status, req.repo, path);
  if (meta.commit) {
    if (!state.commit) state.commit = meta.commit;
    else if (meta.commit !== state.commit) {
      throw new WukongError('MODEL_INVALID', `The Hub answered ${path} from commit ${meta.commit}, not the pinned ${state.commit}.`);
    }
  }
  return { path, meta };
}

async function fetchOne(dir: string, url: string, p: Planned, req: RepoRequest, state: State, retry: Retry, onBytes: (n: number) => void): Promise<void> {
  const dest = join(dir, p.path);
  const done = state.fetched.find((f) => f.path === p.path);
  if (done && (await stat(dest).then((s) => s.size === done.size, () => false))) return;
  const got = await downloadFile(dest, {
    url,
    repo: req.repo,
    path: p.path,
    size: p.meta.size,
    sha256: p.meta.sha256,
    token: req.token,
    signal: req.signal,
    onBytes,
    retry,
  });
  state.fetched = [...state.fetched.filter((f) => f.path !== p.path), { path: p.path, ...got }];
  await writeJsonAtomic(join(dir, STATE_FILE), state);
}

/** The shard files a safetensors index names, checked to be plain relative names inside the repo. */
async function shardNames(indexPath: string): Promise<string[]> {
  let index: { weight_map?: Record<string, unknown> };
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch {
    throw new WukongError('MODEL_INVALID', 'The safetensors index (model.safetensors.index.json) is not valid JSON.');
  }
  const names = [...new Set(Object.values(index.weight_map ?? {}))];
  if (!names.length) throw new WukongError('MODEL_INVALID', 'The safetensors index names no weight files.');
  for (const name of names) {
    if (typeof name !== 'string' || !/^[\w.-]+\.safetensors$/.test(name) || name.startsWith('.')) {
      throw new WukongError('MODEL_INVALID', `The safetensors index names an unexpected file: ${String(name)}.`);
    }
  }
  return names as string[];
}
