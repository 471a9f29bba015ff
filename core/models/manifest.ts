import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelRole } from '../api.js';
import { WukongError } from '../errors.js';

export interface ManifestFile {
  path: string;
  /** null until the file is pinned: such a model can be installed from a folder but not downloaded. */
  size: number | null;
  sha256: string | null;
}

export interface ManifestEntry {
  id: string;
  role: ModelRole;
  name: string;
  description: string;
  builtin?: boolean;
  package?: string;
  source?: { repo: string; revision: string | null };
  files?: ManifestFile[];
}

export interface Manifest {
  version: number;
  mirror: string;
  models: ManifestEntry[];
}

/** The manifest shipped in models/, found relative to this file in both source and dist layouts. */
export function defaultManifestPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'models', 'manifest.json');
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new WukongError('INTERNAL', 'The model manifest (models/manifest.json) is missing from this installation.');
}

export function loadManifest(path = defaultManifestPath()): Manifest {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (err) {
    throw new WukongError('INTERNAL', 'The model manifest could not be read.', String(err));
  }
}

/** A model can be downloaded only when its revision and every file's size and sha256 are pinned. */
export function isPinned(entry: ManifestEntry): boolean {
  return Boolean(
    entry.source?.revision && entry.files?.length && entry.files.every((f) => f.size !== null && f.sha256 !== null),
  );
}
