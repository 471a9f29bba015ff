import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { ModelInfo, ModelRole, VerifyReport } from '../api.js';
import { WukongError, toWukongError } from '../errors.js';
import { readJsonOr, readRecords, writeJsonAtomic } from '../util/fs.js';
import { detectRole } from './detect.js';
import { downloadFile } from './download.js';
import { sha256File } from './hash.js';
import { isPinned, loadManifest, type Manifest, type ManifestEntry, type ManifestFile } from './manifest.js';

/** What is recorded next to an installed model's files, so verify can tell a damaged copy. */
interface InstalledRecord {
  id: string;
  role: ModelRole;
  name: string;
  installedAt: string;
  files: { path: string; size: number; sha256: string }[];
}

interface Settings {
  selected: Partial<Record<ModelRole, string>>;
}

export interface DownloadPlan {
  entry: ManifestEntry;
  files: ManifestFile[];
  baseUrl: string;
}

const RECORD = 'wukong-model.json';

export class ModelRegistry {
  private readonly root: string;
  private readonly settingsPath: string;
  private manifestCache?: Manifest;

  constructor(home: string, private readonly manifestPath?: string) {
    this.root = join(home, 'models');
    this.settingsPath = join(home, 'settings.json');
  }

  private get manifest(): Manifest {
    this.manifestCache ??= loadManifest(this.manifestPath);
    return this.manifestCache;
  }

  private async settings(): Promise<Settings> {
    return readJsonOr<Settings>(this.settingsPath, { selected: {} });
  }

  private installed(): Promise<InstalledRecord[]> {
    return readRecords<InstalledRecord>(this.root, RECORD);
  }

  async list(): Promise<ModelInfo[]> {
    const installed = await this.installed();
    const { selected } = await this.settings();
    const byId = new Map(installed.map((r) => [r.id, r]));
    const out: ModelInfo[] = [];
    for (const e of this.manifest.models) {
      const rec = byId.get(e.id);
      byId.delete(e.id);
      out.push({
        id: e.id,
        role: e.role,
        name: e.name,
        description: e.description,
        sizeBytes: rec ? sum(rec.files) : (e.files ?? []).reduce((s, f) => s + (f.size ?? 0), 0),
        installed: Boolean(e.builtin || rec),
        selected: selected[e.role] === e.id || (!selected[e.role] && Boolean(e.builtin)),
        builtin: Boolean(e.builtin),
        path: rec ? join(this.root, e.id) : undefined,
        source: e.source?.revision ? { repo: e.source.repo, revision: e.source.revision } : undefined,
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
      });
    }
    return out;
  }

  /** Copies a model folder into the library of models, recording each file's checksum. */
  async installFromFolder(folder: string, id?: string): Promise<ModelInfo> {
    const src = resolve(folder);
    try {
      if (!(await stat(src)).isDirectory()) throw new WukongError('MODEL_INVALID', `${folder} is not a folder.`);
    } catch (err) {
      const e = toWukongError(err);
      throw e.code === 'NOT_FOUND' ? new WukongError('NOT_FOUND', `Folder not found: ${folder}`) : e;
    }
    const role = detectRole(src);
    const modelId = id ?? slug(basename(src));
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
        const got = files.find((f) => f.path === pin.path);
        if (!got) throw new WukongError('MODEL_INVALID', `${pin.path} is missing from ${folder}.`);
        if (pin.sha256 && got.sha256 !== pin.sha256) {
          throw new WukongError('MODEL_INVALID', `${pin.path} does not match its pinned checksum.`);
        }
      }
      const rec: InstalledRecord = {
        id: modelId,
        role,
        name: entry?.name ?? modelId,
        installedAt: new Date().toISOString(),
        files,
      };
      await writeJsonAtomic(join(tmp, RECORD), rec);
      await rm(dest, { recursive: true, force: true });
      await rename(tmp, dest);
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
    return { modelId: id, ok: files.every((f) => f.ok), files };
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

  /** The installed generator to answer with: the one asked for, else the selected one, else none. */
  async generatorFor(id?: string): Promise<ModelInfo | null> {
    const models = await this.list();
    if (id) {
      const m = models.find((x) => x.id === id);
      if (!m || !m.installed) throw new WukongError('MODEL_MISSING', `The model ${id} is not installed. See \`wukong models list\`.`);
      if (m.role !== 'generator') throw new WukongError('BAD_REQUEST', `${id} is a ${m.role}, not a generator.`);
      return m;
    }
    return models.find((m) => m.role === 'generator' && m.selected && m.installed) ?? null;
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
    if (!isPinned(entry) || !entry.files) {
      throw new WukongError(
        'NOT_IMPLEMENTED',
        `${id} is not pinned in this version's manifest (revision, sizes and checksums), so it cannot be downloaded safely. ` +
          'Install a copy from a folder instead: wukong models install <folder>.',
      );
    }
    const mirror = (process.env.WUKONG_MODEL_MIRROR ?? this.manifest.mirror).replace(/\/+$/, '');
    return { entry, files: entry.files, baseUrl: `${mirror}/${entry.source!.repo}/resolve/${entry.source!.revision}` };
  }

  /** Downloads every file of a pinned model, checking sizes and checksums, then installs it atomically. */
  async download(plan: DownloadPlan, opts: { signal: AbortSignal; onProgress: (done: number, total: number) => void }): Promise<void> {
    const { entry } = plan;
    const total = plan.files.reduce((s, f) => s + (f.size ?? 0), 0);
    const partial = join(this.root, `.downloading-${entry.id}`);
    await mkdir(partial, { recursive: true });
    let before = 0;
    for (const file of plan.files) {
      await downloadFile(`${plan.baseUrl}/${file.path}`, join(partial, file.path), {
        size: file.size!,
        sha256: file.sha256!,
        signal: opts.signal,
        onBytes: (n) => opts.onProgress(before + n, total),
      });
      before += file.size!;
    }
    const rec: InstalledRecord = {
      id: entry.id,
      role: entry.role,
      name: entry.name,
      installedAt: new Date().toISOString(),
      files: plan.files.map((f) => ({ path: f.path, size: f.size!, sha256: f.sha256! })),
    };
    await writeJsonAtomic(join(partial, RECORD), rec);
    const dest = join(this.root, entry.id);
    await rm(dest, { recursive: true, force: true });
    await rename(partial, dest);
  }
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

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}
