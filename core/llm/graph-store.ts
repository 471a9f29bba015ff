/**
 * Built decoder graphs of a model folder, cached under `<cacheDir>` with the builder version,
 * precision and head pattern they were made with; a graph from an older builder is rebuilt.
 * Builds go to a temporary name and are renamed into place, so a crash never leaves half a graph.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WukongError } from '../errors.js';
import { buildDecoderGraph, type Precision } from './build-decoder.js';
import { readDecoderConfig } from './config.js';
import { allRetrieval, assertPatternFits, type DuoPattern } from './duo-pattern.js';
import { Checkpoint } from './safetensors.js';

/** Bump when the graph layout or its numbers change: every cached graph is then rebuilt. */
export const BUILDER_VERSION = '4';

export interface GraphRequest {
  precision: Precision;
  /** Absent = every head keeps the full cache. */
  pattern?: DuoPattern;
  accuracyLevel?: 0 | 4;
  /** A profiling graph that also outputs attention probabilities. */
  probe?: boolean;
}

export interface BuiltGraph {
  onnxPath: string;
  pattern: DuoPattern;
  /** Milliseconds the build took; 0 when the cached graph was reused. */
  buildMs: number;
  bytes: number;
}

interface BuildRecord {
  builder: string;
  precision: Precision;
  accuracyLevel: number;
  pattern: DuoPattern;
  builtAt: string;
  ms: number;
}

export function graphKey(req: GraphRequest, pattern: DuoPattern): string {
  const p = createHash('sha256').update(JSON.stringify({ s: pattern.sink, w: pattern.recent, l: pattern.layers })).digest('hex').slice(0, 10);
  return `decoder-${req.precision}-a${req.accuracyLevel ?? 4}-${p}${req.probe ? '-probe' : ''}`;
}

export function ensureGraph(
  modelFolder: string,
  cacheDir: string,
  req: GraphRequest,
  hooks: { onProgress?: (done: number, total: number) => void; shouldStop?: () => boolean } = {},
): BuiltGraph {
  const config = readDecoderConfig(modelFolder);
  const pattern = req.pattern ?? allRetrieval(config);
  assertPatternFits(pattern, config);
  const key = graphKey(req, pattern);
  const onnxPath = join(cacheDir, `${key}.onnx`);
  const recordPath = join(cacheDir, `${key}.json`);
  const record = readRecord(recordPath);
  if (record?.builder === BUILDER_VERSION && existsSync(onnxPath) && existsSync(`${onnxPath}.data`)) {
    return { onnxPath, pattern, buildMs: 0, bytes: statSync(`${onnxPath}.data`).size };
  }
  const started = performance.now();
  buildGraphFiles(onnxPath, (onnx, data) =>
    buildDecoderGraph(Checkpoint.open(modelFolder), config, onnx, data, {
      precision: req.precision,
      accuracyLevel: req.accuracyLevel ?? 4,
      pattern,
      probe: req.probe,
      onProgress: hooks.onProgress,
      shouldStop: hooks.shouldStop,
    }),
  );
  const ms = Math.round(performance.now() - started);
  const rec: BuildRecord = { builder: BUILDER_VERSION, precision: req.precision, accuracyLevel: req.accuracyLevel ?? 4, pattern, builtAt: new Date().toISOString(), ms };
  writeFileSync(recordPath, JSON.stringify(rec));
  return { onnxPath, pattern, buildMs: ms, bytes: statSync(`${onnxPath}.data`).size };
}

/**
 * Writes `onnxPath` and its `.data` through a temporary folder and renames them into place, so a
 * crash, a cancel or a full disk never leaves half a graph where a good one is looked for.
 */
export function buildGraphFiles(onnxPath: string, build: (onnx: string, data: string) => void): void {
  const dir = dirname(onnxPath);
  const name = basename(onnxPath);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.building-${name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    // The data file's name is recorded inside the graph, so it keeps its final name in the temp folder.
    build(join(tmp, name), join(tmp, `${name}.data`));
    renameSync(join(tmp, `${name}.data`), `${onnxPath}.data`);
    renameSync(join(tmp, name), onnxPath);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOSPC') throw new WukongError('DISK_FULL', 'There is not enough disk space to build the model graph.');
    throw err;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function readRecord(path: string): BuildRecord | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as BuildRecord;
  } catch {
    return null;
  }
}
