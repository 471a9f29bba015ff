import { readFileSync } from 'node:fs';
import { toWukongError } from '../core/errors.js';
import { UsageError, formatHelp, parseArgs } from './args.js';
import type { Command } from './command.js';
import { askCommand } from './commands/ask.js';
import { evalCommand } from './commands/eval.js';
import { generateCommand } from './commands/generate.js';
import { modelsCommand } from './commands/models.js';
import { parseCommand } from './commands/parse.js';
import { retrieveCommand } from './commands/retrieve.js';
import { serveCommand } from './commands/serve.js';
import { processIO, type CliIO } from './io.js';

export const COMMANDS: Command[] = [parseCommand, retrieveCommand, askCommand, generateCommand, evalCommand, serveCommand, modelsCommand];

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** package.json sits two folders up from dist/cli/main.js and one up from cli/main.ts (tests run the source). */
function version(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'wukong-reader') return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return 'unknown';
}

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: wukong <command> [options]',
    '',
    'WuKong Reader: ask questions about long PDFs offline; every answer cites the exact lines.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `wukong <command> --help` for a command\'s options. Exit codes: 0 ok, 1 failed, 2 usage error.',
    'Data (library, models) lives in WUKONG_HOME, or the platform\'s per-user data folder.',
  ].join('\n');
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[], io: CliIO = processIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(target ? formatHelp(target) : mainHelp());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    io.out(version());
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`wukong: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(formatHelp(command));
    return EXIT.OK;
  }
  const json = rest.includes('--json');
  try {
    const args = parseArgs(rest, command);
    return await command.run({ args, io, env });
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`wukong ${command.name}: ${err.message}\n\n${formatHelp(command)}`);
      return EXIT.USAGE;
    }
    const e = toWukongError(err);
    if (json) io.out(JSON.stringify({ error: e.toJSON() }, null, 2));
    io.err(`wukong ${command.name}: ${e.message}${e.code === 'INTERNAL' && e.detail ? `\n  (${e.detail})` : ''}`);
    return EXIT.FAILED;
  }
}


