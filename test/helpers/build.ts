import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

/**
 * Tests that run compiled code (the PDF worker, the `wukong` binary) compile the project first when
 * core/pdf changed since the last build, so a plain `npx vitest run <file>` never tests stale JavaScript.
 */
export function ensureBuilt(): void {
  ensureWorkerBuilt('pdf', 'worker.js');
}

/** The same for the worker script `script` of core/`folder`. */
export function ensureWorkerBuilt(folder: string, script: string): void {
  const built = join(root, 'dist', 'core', folder, script);
  const src = join(root, 'core', folder);
  const newest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the project still emit JavaScript; only a missing worker is fatal.
  }
  if (!existsSync(built)) throw new Error(`${built} is missing after tsc`);
}
