/**
 * What installing a generator (or a vision-language model) does after its files are in place: build its ONNX graph (at the
 * precision asked for, int4 by default) in a worker thread, with progress, cancellable. The graph
 * lands in `<model>/onnx/`, so the first question does not wait for it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readDuoPattern } from '../llm/duo-pattern.js';
import { buildGraphInWorker } from '../llm/generator-host.js';
import type { PrepareHook } from '../models/registry.js';
import { DEFAULT_PRECISION } from './generators.js';

export const buildGeneratorGraph: PrepareHook = async (dir, entry, report, signal, options) => {
  const patternPath = join(dir, 'duo-pattern.json');
  const pattern = existsSync(patternPath) ? readDuoPattern(patternPath) : undefined;
  report('Building the model graph', 0, 1);
  await buildGraphInWorker(
    dir,
    { precision: options?.precision ?? DEFAULT_PRECISION, pattern, cacheDir: join(dir, 'onnx') },
    { signal, kind: entry.role === 'vision' ? 'vision' : 'text', onBuild: (done, total) => report(`Building the model graph: ${done} of ${total} steps`, done, total) },
  );
};
