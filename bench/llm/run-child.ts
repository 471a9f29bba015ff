/** Runs one measurement in a fresh Node process (see measure.ts) and returns its figures. */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeasureRequest, MeasureResult } from './measure.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'measure.js');

export function measureInChild(req: MeasureRequest): MeasureResult {
  const out = execFileSync(process.execPath, [script, JSON.stringify(req)], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as MeasureResult;
}

export function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}
