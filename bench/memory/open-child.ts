/**
 * One measurement of bench/memory.ts in a fresh process (run with --expose-gc): opens a file through
 * LocalService as a front end does, waits for its jobs, and prints the process's memory at each step as
 * one JSON line. The process's RSS includes the parse worker thread, which lives inside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalService as Service } from '../../core/service/service.js';

export interface OpenRequest {
  file: string;
  /** The compiled project whose LocalService is measured (its dist folder). */
  dist: string;
}

export interface OpenMeasure {
  fileMB: number;
  baselineMB: number;
  peakMB: number;
  afterJobMB: number;
  afterGcMB: number | null;
  status: string;
  error?: string;
  pageCount: number;
  seconds: number;
}

const MB = 2 ** 20;
const rssMB = (): number => Math.round(process.memoryUsage.rss() / MB);
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const gc = (globalThis as { gc?: () => void }).gc;

async function measure(req: OpenRequest): Promise<OpenMeasure> {
  const { LocalService } = (await import(pathToFileURL(join(req.dist, 'core', 'service', 'service.js')).href)) as { LocalService: typeof Service };
  const home = mkdtempSync(join(tmpdir(), 'wukong-memory-'));
  const service = new LocalService({ home });
  try {
    gc?.();
    await settle(200);
    const baselineMB = rssMB();
    const t0 = performance.now();
    const { document, job } = await service.openDocument({ path: req.file });
    const end = job ? await service.waitForJob(job.id) : undefined;
    const seconds = (performance.now() - t0) / 1000;
    // The worker thread ends after its last message: give it time to go before reading what is left.
    await settle(1000);
    const afterJobMB = rssMB();
    let afterGcMB: number | null = null;
    if (gc) {
      gc();
      await settle(500);
      afterGcMB = rssMB();
    }
    const summary = (await service.listDocuments()).find((d) => d.id === document.id);
    return {
      fileMB: Math.round(document.bytes / MB),
      baselineMB,
      // ru_maxrss: the true high-water mark, not a sample that might miss a short spike.
      peakMB: Math.round((process.resourceUsage().maxRSS * 1024) / MB),
      afterJobMB,
      afterGcMB,
      status: summary?.status ?? end?.state ?? 'unknown',
      ...(summary?.error ? { error: summary.error.code } : {}),
      pageCount: summary?.pageCount ?? 0,
      seconds: Math.round(seconds * 10) / 10,
    };
  } finally {
    await service.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const arg = process.argv[2];
if (arg) {
  measure(JSON.parse(arg) as OpenRequest).then(
    (m) => {
      console.log(JSON.stringify(m));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
