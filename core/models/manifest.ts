import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelRole } from '../api.js';
import { WukongError } from '../errors.js';

export interface ManifestFile {
  path: string;
  /**
   * null when not pinned: the Hub's own answer gives the size and (for LFS files) the sha256 at
   * download time, and the first download records them.
   */
  size: number | null;
  sha256: string | null;
  /** Fetched instead when `path` is not in the repo (404): a single weights file vs a sharded index. */
  alternative?: string;
}

export interface ManifestEntry {
  id: string;
  role: ModelRole;
  name: string;
  description: string;
  builtin?: boolean;
  package?: string;
  /**
   * Where the files come from. revision null = not pinned in this manifest (it cannot be, offline):
   * the first download pins the commit the Hub resolved "main" to, and later downloads use it.
   */
  source?: { repo: string; revision: string | null };
  files?: ManifestFile[];
  /** Shown as a recommended generator, with its size, RAM and licence. */
  recommended?: boolean;
  /** SPDX id or the model's own licence name. */
  licence?: string;
  /** Total download size in bytes. */
  sizeBytes?: number;
  /** Memory the app needs to answer with it (int4 build, 4k-token context), in bytes. */
  ramBytes?: number;
  /** True when sizeBytes and ramBytes are estimates from public listings, not measured pins. */
  approx?: boolean;
}
export interface Manifest {
  version: number;
  mirror: string;
  /** Why revisions are null and what is approximate: for people reading the file. */
  revisionNote?: string;
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
