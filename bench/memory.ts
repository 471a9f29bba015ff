/**
 * `npm run bench -- memory [sizeMB] [--dist <folder>]`: memory of opening a large PDF (default 300 MB, see
 * memory/large-pdf.ts), damaged and intact, through LocalService, each in a fresh process: RSS before, the peak
 * (ru_maxrss) while it is hashed, copied into the library, parsed and indexed, and RSS once its jobs end, before
 * and after a GC. The target: peak at most the file's size plus 200 MB. The paper alone is measured too: what
 * stays after its jobs (the embedder, the parse) is what any document leaves. `--dist` measures another build
 * (e.g. an older checkout's dist folder) with the same files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLargePdf } from './memory/large-pdf.js';
import type { OpenMeasure, OpenRequest } from './memory/open-child.js';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..');
const corpus = join(dist, '..', '..', 'shared', 'corpus');
const PAPER = 'lme4_lmer.pdf';
const HEADROOM_MB = 200;

function openInChild(req: OpenRequest): OpenMeasure {
  const script = join(here, 'memory', 'open-child.js');
  const out = execFileSync(process.execPath, ['--expose-gc', script, JSON.stringify(req)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as OpenMeasure;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const paper = join(corpus, PAPER);
  if (!existsSync(paper)) return { skipped: `no ${paper}` };
  const at = args.indexOf('--dist');
  const target = at >= 0 ? resolve(args[at + 1]) : dist;
  const sizeMB = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--dist') ?? 300);
  const folder = mkdtempSync(join(tmpdir(), 'wukong-memory-file-'));
  try {
    const out: Record<string, unknown> = { build: at >= 0 ? target : 'this checkout', sizeMB, paper: PAPER, paperAlone: openInChild({ file: paper, dist: target }) };
    for (const damaged of [true, false]) {
      const file = join(folder, `${damaged ? 'damaged' : 'intact'}-${sizeMB}mb.pdf`);
      await writeLargePdf(paper, file, sizeMB * 2 ** 20, damaged);
      const m = openInChild({ file, dist: target });
      rmSync(file);
      const targetPeakMB = m.fileMB + HEADROOM_MB;
      out[damaged ? 'damaged' : 'intact'] = { ...m, peakOverBaselineMB: m.peakMB - m.baselineMB, targetPeakMB, met: m.peakMB <= targetPeakMB };
    }
    return out;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
