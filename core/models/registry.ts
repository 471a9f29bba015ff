import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { InstallOptions, ModelInfo, ModelRole, VerifyReport } from '../api.js';
import { WukongError, toWukongError } from '../errors.js';
import { readJsonOr, readRecords, writeJsonAtomic } from '../util/fs.js';
import { detectRole } from './detect.js';
import type { Retry } from './download.js';
import { sha256File } from './hash.js';
import { downloadRepo, STATE_FILE } from './hub-download.js';
import { loadManifest, type Manifest, type ManifestEntry, type ManifestFile } from './manifest.js';

/** What is recorded next to an installed model's files, so verify can tell a damaged copy. */
interface InstalledRecord {
  id: string;
  role: ModelRole;
  name: string;
  installedAt: string;
  /** The files as downloaded or copied; what `prepare` builds from them is derived and not listed. */
  files: { path: string; size: number; sha256: string }[];
  /** For downloads: the repo and the commit the first download resolved, which later downloads reuse. */
  source?: { repo: string; revision: string | null };
  precision?: InstallOptions['precision'];
}

interface Settings {
  selected: Partial<Record<ModelRole, string>>;
  /** A Hugging Face access token for gated repos (HF_TOKEN wins). */
  hfToken?: string;
  /** Prompt tokens the language model reads per step (default 512): smaller holds less memory on long inputs. */
  prefillChunk?: number;
}

export interface DownloadPlan {
  entry: ManifestEntry;
  files: ManifestFile[];
  mirror: string;
  repo: string;
  /** The commit pinned by the manifest or an earlier download; null = resolve "main" and pin it. */
  revision: string | null;
  token?: string;
}

/**
 * Turns an installed generator's weights into what the app runs (the ONNX graph), inside the
 * not-yet-installed folder, so a failed build never leaves a half-usable model behind.
 */
export type PrepareHook = (
  dir: string,
  entry: { id: string; role: ModelRole },
  report: (message: string, done: number, total: number) => void,
  signal: AbortSignal,
  options: InstallOptions,
) => Promise<void>;

export interface RegistryOptions {
  /** Default: the manifest shipped with the app. */
  manifestPath?: string;
  prepare?: PrepareHook;
  /** Hub address (default: WUKONG_MODEL_MIRROR, HF_ENDPOINT, then the manifest's). */
  mirror?: string;
  /** Access token (default: HF_TOKEN, then the hfToken setting). */
  token?: string;
  retry?: Retry;
}

export interface DownloadProgress {
  signal: AbortSignal;
  onProgress: (done: number, total: number, message: string, unit?: 'bytes') => void;
}

const RECORD = 'wukong-model.json';

export class ModelRegistry {
  private readonly root: string;
  private readonly settingsPath: string;
  private manifestCache?: Manifest;

  constructor(home: string, private readonly options: RegistryOptions = {}) {
    this.root = join(home, 'models');
    this.settingsPath = join(home, 'settings.json');
  }

  private get manifest(): Manifest {
    this.manifestCache ??= loadManifest(this.options.manifestPath);
    return this.manifestCache;
  }

  private async settings(): Promise<Settings> {
    return readJsonOr<Settings>(this.settingsPath, { selected: {} });
  }

  private installed(): Promise<InstalledRecord[]> {
    // Dot folders are downloads and installs in progress, never models (ids start with a letter or digit).
    return readRecords<InstalledRecord>(this.root, RECORD, (name) => !name.startsWith('.'));
  }

  async list(): Promise<ModelInfo[]> {
    const installed = await this.installed();
    const { selected } = await this.settings();
    const byId = new Map(installed.map((r) => [r.id, r]));
    const out: ModelInfo[] = [];
    for (const e of this.manifest.models) {
      const rec = byId.get(e.id);
      byId.delete(e.id);
      const revision = rec?.source?.revision ?? e.source?.revision;
      out.push({
        id: e.id,
        role: e.role,
        name: e.name,
        description: e.description,
        sizeBytes: rec ? sum(rec.files) : (e.sizeBytes ?? (e.files ?? []).reduce((s, f) => s + (f.size ?? 0), 0)),
        installed: Boolean(e.builtin || rec),
        selected: selected[e.role] === e.id || (!selected[e.role] && Boolean(e.builtin)),
        builtin: Boolean(e.builtin),
        path: rec ? join(this.root, e.id) : undefined,
        source: e.source ? { repo: e.source.repo, ...(revision ? { revision } : {}) } : undefined,
        ...(e.recommended ? { recommended: true } : {}),
        ...(e.licence ? { licence: e.licence } : {}),
        ...(e.ramBytes ? { ramBytes: e.ramBytes } : {}),
        ...(e.approx && !rec ? { approx: true } : {}),
        ...(rec?.precision ? { precision: rec.precision } : {}),
      });
    }
    for (const rec of byId.values()) {
      out.push({
        id: rec.id,
        role: rec.role,
        name: rec.name,
        description: 'Installed from a folder.',
        sizeBytes: sum(rec.files),
        installed: true,
        selected: selected[rec.role] === rec.id,
        builtin: false,
        path: join(this.root, rec.id),
        ...(rec.precision ? { precision: rec.precision } : {}),
      });
    }
    return out;
  }

  /**
   * Copies a model folder into the library of models, recording each file's checksum; a generator
   * is then prepared (its graph built) before it is moved into place.
   */
  async installFromFolder(folder: string, id?: string, options: InstallOptions = {}, progress?: DownloadProgress): Promise<ModelInfo> {
    const src = resolve(folder);
    try {
      if (!(await stat(src)).isDirectory()) throw new WukongError('MODEL_INVALID', `${folder} is not a folder.`);
    } catch (err) {
      const e = toWukongError(err);
      throw e.code === 'NOT_FOUND' ? new WukongError('NOT_FOUND', `Folder not found: ${folder}`) : e;
    }
    const role = detectRole(src);
    const modelId = installId(folder, id);
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(modelId)) throw new WukongError('BAD_REQUEST', `"${modelId}" is not a valid model id.`);
    const entry = this.manifest.models.find((m) => m.id === modelId);
    if (entry?.builtin) throw new WukongError('BAD_REQUEST', `${modelId} ships with the app and needs no install.`);
    if (entry && entry.role !== role) {
      throw new WukongError('MODEL_INVALID', `${folder} holds a ${role} model, but ${modelId} is a ${entry.role}.`);
    }
    const dest = join(this.root, modelId);
    const tmp = join(this.root, `.installing-${modelId}`);
    try {
      await rm(tmp, { recursive: true, force: true });
      await mkdir(this.root, { recursive: true });
      await cp(src, tmp, { recursive: true });
      const files = await hashTree(tmp);
      for (const pin of entry?.files ?? []) {
        const got = files.find((f) => f.path === pin.path || f.path === pin.alternative);
        if (!got) throw new WukongError('MODEL_INVALID', `${pin.path} is missing from ${folder}.`);
        if (pin.sha256 && got.sha256 !== pin.sha256) {
          throw new WukongError('MODEL_INVALID', `${pin.path} does not match its pinned checksum.`);
        }
      }
      await this.prepare(tmp, { id: modelId, role }, options, progress ?? { signal: new AbortController().signal, onProgress: () => {} });
      const rec: InstalledRecord = {
        id: modelId,
        role,
        name: entry?.name ?? modelId,
        installedAt: new Date().toISOString(),
        files,
        ...(options.precision ? { precision: options.precision } : {}),
      };
      await writeJsonAtomic(join(tmp, RECORD), rec);
      await replaceDir(tmp, dest);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw toWukongError(err);
    }
    return this.info(modelId);
  }

  private async info(id: string): Promise<ModelInfo> {
    const m = (await this.list()).find((x) => x.id === id);
    if (!m) throw new WukongError('NOT_FOUND', `No model with id ${id}.`);
    return m;
  }

  async verify(id: string): Promise<VerifyReport> {
    const model = await this.info(id);
    if (model.builtin) return { modelId: id, ok: true, files: [] };
    if (!model.installed || !model.path) throw new WukongError('MODEL_MISSING', `${id} is not installed.`);
    const rec = await readJsonOr<InstalledRecord | null>(join(model.path, RECORD), null);
    if (!rec) throw new WukongError('MODEL_INVALID', `${id} has no install record; install it again.`);
    const pins = new Map((this.manifest.models.find((m) => m.id === id)?.files ?? []).map((f) => [f.path, f.sha256]));
    const files: VerifyReport['files'] = [];
    for (const f of rec.files) {
      const expected = pins.get(f.path) ?? f.sha256;
      try {
        const actual = await sha256File(join(model.path, f.path));
        files.push({ path: f.path, ok: actual === expected, expectedSha256: expected, actualSha256: actual, problem: actual === expected ? undefined : 'checksum differs' });
      } catch {
        files.push({ path: f.path, ok: false, expectedSha256: expected, problem: 'missing' });
      }
    }
    const revision = rec.source?.revision;
    return { modelId: id, ok: files.every((f) => f.ok), files, ...(revision ? { revision } : {}) };
  }

  /** The prefill chunk setting, when set to a sensible number. */
  async prefillChunk(): Promise<number | undefined> {
    const { prefillChunk } = await this.settings();
    return Number.isInteger(prefillChunk) && prefillChunk! >= 16 && prefillChunk! <= 8192 ? prefillChunk : undefined;
  }

  async select(role: ModelRole, id: string | null): Promise<void> {
    if (!['embedder', 'generator', 'vision'].includes(role)) throw new WukongError('BAD_REQUEST', `Unknown model role "${role}".`);
    const settings = await this.settings();
    if (id === null) {
      delete settings.selected[role];
    } else {
      const model = await this.info(id);
      if (!model.installed) throw new WukongError('MODEL_MISSING', `${id} is not installed.`);
      if (model.role !== role) throw new WukongError('BAD_REQUEST', `${id} is a ${model.role}, not a ${role}.`);
      settings.selected[role] = id;
    }
    await writeJsonAtomic(this.settingsPath, settings);
  }

  /**
   * The installed model to answer with: the one asked for (a generator or a vision-language
   * model), else the selected generator, else the selected vision model, else none.
   */
  async generatorFor(id?: string): Promise<ModelInfo | null> {
    const models = await this.list();
    if (id) {
      const m = models.find((x) => x.id === id);
      if (!m || !m.installed) throw new WukongError('MODEL_MISSING', `The model ${id} is not installed. See \`wukong models list\`.`);
      if (m.role !== 'generator' && m.role !== 'vision') throw new WukongError('BAD_REQUEST', `${id} is a ${m.role}, not a generator or vision model.`);
      return m;
    }
    const selected = (role: ModelRole) => models.find((m) => m.role === role && m.selected && m.installed);
    return selected('generator') ?? selected('vision') ?? null;
  }

  /** The model used for a role: the selected one, else the built-in one, else none. */
  async selected(role: ModelRole): Promise<ModelInfo | null> {
    const models = (await this.list()).filter((m) => m.role === role && m.installed);
    return models.find((m) => m.selected) ?? models.find((m) => m.builtin) ?? null;
  }

  async planDownload(id: string): Promise<DownloadPlan> {
    const entry = this.manifest.models.find((m) => m.id === id);
    if (!entry) throw new WukongError('NOT_FOUND', `No model with id ${id} in the manifest. See \`wukong models list\`.`);
    if (entry.builtin) throw new WukongError('BAD_REQUEST', `${id} ships with the app; there is nothing to download.`);
    if (!entry.source || !entry.files?.length) {
      throw new WukongError('NOT_IMPLEMENTED', `${id} names no Hub repo to download from. Install a copy from a folder instead: wukong models install <folder>.`);
    }
    // A model downloaded before stays on the commit it was first downloaded from, file checksums included.
    const rec = await readJsonOr<InstalledRecord | null>(join(this.root, id, RECORD), null);
    const same = rec?.source?.repo === entry.source.repo ? rec : null;
    const recorded = new Map((same?.files ?? []).map((f) => [f.path, f]));
    const files = entry.files.map((f) => ({ ...f, sha256: f.sha256 ?? recorded.get(f.path)?.sha256 ?? null }));
    const { hfToken } = await this.settings();
    const env = process.env;
    return {
      entry,
      files,
      mirror: (this.options.mirror ?? env.WUKONG_MODEL_MIRROR ?? env.HF_ENDPOINT ?? this.manifest.mirror).replace(/\/+$/, ''),
      repo: entry.source.repo,
      revision: entry.source.revision ?? same?.source?.revision ?? null,
      token: this.options.token ?? (env.HF_TOKEN || hfToken || undefined),
    };
  }

  /**
   * Downloads a model's files from one commit of its Hub repo (checking each file's size and
   * sha256), prepares a generator, and only then moves the folder into place. An interrupted or
   * cancelled download leaves its folder behind, and the next try resumes it.
   */
  async download(plan: DownloadPlan, progress: DownloadProgress): Promise<void> {
    const { entry } = plan;
    const partial = join(this.root, `.downloading-${entry.id}`);
    await mkdir(partial, { recursive: true });
    const mb = (n: number): string => (n / 1e6).toFixed(n < 1e7 ? 1 : 0);
    const got = await downloadRepo(partial, {
      mirror: plan.mirror,
      repo: plan.repo,
      revision: plan.revision,
      token: plan.token,
      files: plan.files,
      signal: progress.signal,
      retry: this.options.retry,
      onProgress: (done, total, file) => progress.onProgress(done, total, `Downloading ${entry.id} (${file}): ${mb(done)} of ${mb(total)} MB`, 'bytes'),
    });
    await this.prepare(partial, entry, {}, progress);
    const rec: InstalledRecord = {
      id: entry.id,
      role: entry.role,
      name: entry.name,
      installedAt: new Date().toISOString(),
      files: got.files,
      source: { repo: plan.repo, revision: got.commit },
    };
    await rm(join(partial, STATE_FILE), { force: true });
    await writeJsonAtomic(join(partial, RECORD), rec);
    await replaceDir(partial, join(this.root, entry.id));
  }

  private async prepare(dir: string, entry: { id: string; role: ModelRole }, options: InstallOptions, progress: DownloadProgress): Promise<void> {
    if ((entry.role !== 'generator' && entry.role !== 'vision') || !this.options.prepare) return;
    await this.options.prepare(dir, { id: entry.id, role: entry.role }, (message, done, total) => progress.onProgress(done, total, message), progress.signal, options);
    if (progress.signal.aborted) throw new WukongError('CANCELLED');
  }
}

/**
 * Puts a finished folder where the model lives. The old copy is moved aside first and deleted
 * last, so at no moment is there no model or a half-replaced one.
 */
async function replaceDir(from: string, dest: string): Promise<void> {
  const old = join(dirname(dest), `.old-${basename(dest)}-${process.pid}-${Date.now()}`);
  const hadOld = await rename(dest, old).then(() => true, (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return false;
    throw err;
  });
  try {
    await rename(from, dest);
  } catch (err) {
    if (hadOld) await rename(old, dest).catch(() => {});
    throw err;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

async function hashTree(dir: string): Promise<InstalledRecord['files']> {
  const out: InstalledRecord['files'] = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    const path = relative(dir, full).split('\\').join('/');
    if (path === RECORD) continue;
    out.push({ path, size: (await stat(full)).size, sha256: await sha256File(full) });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function sum(files: { size: number }[]): number {
  return files.reduce((s, f) => s + f.size, 0);
}

/** The id a folder installs under: the one given, else its name made into an id. */
export function installId(folder: string, id?: string): string {
  return id ?? slug(basename(resolve(folder)));
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}
