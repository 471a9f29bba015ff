import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with its own data folder, capturing what it prints. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t + '\n'), err: (t: string) => void (err += t + '\n'), progress: () => {} };
  const code = await main(argv, io, { WUKONG_HOME: tempHome(), ...env });
  return { code, out, err };
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'wukong-test-'));
}
