/**
 * The loaded language model: one at a time (a 0.5-1.7B model takes hundreds of MB), in its own
 * worker thread, kept loaded between questions so the cache of a conversation's prefix survives.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ModelInfo, Precision } from '../api.js';
import { WukongError } from '../errors.js';
import { readDecoderConfig } from '../llm/config.js';
import { readDuoPattern, type DuoPattern } from '../llm/duo-pattern.js';
import { readIdefics3Config } from '../llm/vision/config.js';
import { GeneratorHost } from '../llm/generator-host.js';
import { defaultManifestPath } from '../models/manifest.js';
import type { ModelRegistry } from '../models/registry.js';

export interface GeneratorRequest {
  /** Installed id or a model folder. */
  model?: string;
  precision?: Precision;
  /** Pattern file; absent = `<model>/duo-pattern.json` when the model has one. */
  duo?: string;
}

export const DEFAULT_PRECISION: Precision = 'int4';

/** A model to answer with: a text decoder, or a vision-language model that also reads figures. */
export interface GeneratorTarget {
  id: string;
  folder: string;
  cacheDir: string;
  precision?: Precision;
  kind: 'text' | 'vision';
}

/** Tokens the model can read (a vision model: its text decoder's). */
export function contextLength(target: GeneratorTarget): number {
  return target.kind === 'vision' ? readIdefics3Config(target.folder).text.maxPositions : readDecoderConfig(target.folder).maxPositions;
}

export class Generators {
  private current?: { key: string; host: Promise<GeneratorHost> };

  constructor(
    private readonly models: ModelRegistry,
    private readonly home: string,
  ) {}

  /**
   * The installed (or folder) model a request names, else the selected generator, else the
   * selected vision-language model; null when none is installed.
   */
  async resolve(model?: string): Promise<GeneratorTarget | null> {
    if (model && !/^[a-z0-9][a-z0-9._-]*$/.test(model) && existsSync(model) && statSync(model).isDirectory()) {
      const folder = resolve(model);
      const hash = createHash('sha256').update(folder).digest('hex').slice(0, 16);
      return { id: folder, folder, cacheDir: join(this.home, 'cache', 'graphs', hash), kind: isVisionFolder(folder) ? 'vision' : 'text' };
    }
    const info: ModelInfo | null = await this.models.generatorFor(model);
    if (!info?.path) return null;
    return { id: info.id, folder: info.path, cacheDir: join(info.path, 'onnx'), precision: info.precision, kind: info.role === 'vision' ? 'vision' : 'text' };
  }

  async host(
    target: GeneratorTarget,
    req: GeneratorRequest,
    o: { onBuild?: (done: number, total: number) => void; signal?: AbortSignal } = {},
  ): Promise<GeneratorHost> {
    // The precision it was installed at: that graph is already built.
    const precision = req.precision ?? target.precision ?? DEFAULT_PRECISION;
    const patternPath = req.duo ?? [join(target.folder, 'duo-pattern.json'), shippedPattern(target.id)].find((p) => p && existsSync(p));
    const pattern: DuoPattern | undefined = patternPath ? readDuoPattern(patternPath) : undefined;
    const key = JSON.stringify([target.folder, target.kind, precision, pattern ?? null]);
    const alive = await this.current?.host.then((h) => h.alive).catch(() => false);
    if (this.current?.key !== key || !alive) {
      const old = this.current;
      this.current = undefined;
      if (old) await (await old.host.catch(() => null))?.close();
      const host = GeneratorHost.start(target.folder, target.id, { precision, pattern, cacheDir: target.cacheDir }, { ...o, kind: target.kind });
      this.current = { key, host };
      host.catch(() => {
        if (this.current?.host === host) this.current = undefined;
      });
    }
    return this.current.host;
  }

  async close(): Promise<void> {
    const cur = this.current;
    this.current = undefined;
    if (cur) await (await cur.host.catch(() => null))?.close();
  }
}

function isVisionFolder(folder: string): boolean {
  try {
    return Boolean((JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { vision_config?: unknown }).vision_config);
  } catch {
    return false;
  }
}

/**
 * A pattern shipped with the app for a manifest model (models/patterns/<id>.json, e.g. imported
 * from DuoAttention's published gates); one profiled on this machine (the model's own
 * duo-pattern.json) comes first.
 */
function shippedPattern(id: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id)) return undefined;
  try {
    return join(dirname(defaultManifestPath()), 'patterns', `${id}.json`);
  } catch {
    return undefined;
  }
}

export function noGenerator(): WukongError {
  return new WukongError('MODEL_MISSING', 'No language model is installed. Install one with `wukong models download <id>` or `wukong models install <folder>`, or answer with quoted evidence (--no-model).');
}
