import type { CliIO } from './io.js';
import type { CommandSpec, ParsedArgs } from './args.js';

export interface CommandContext {
  args: ParsedArgs;
  io: CliIO;
  env: NodeJS.ProcessEnv;
}

export interface Command extends CommandSpec {
  /** Returns the exit code (0 ok, 1 failed); throws UsageError for 2, WukongError for 1. */
  run(ctx: CommandContext): Promise<number>;
}

export const jsonFlag = { json: { type: 'boolean', description: 'print machine-readable JSON' } } as const;

export function printJson(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
