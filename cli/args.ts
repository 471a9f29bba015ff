/** A small, strict argument parser: unknown flags and missing arguments are usage errors (exit 2). */
export type FlagType = 'string' | 'number' | 'boolean';

export interface FlagSpec {
  type: FlagType;
  description: string;
  /** Shown in help as the value's name: --k N. */
  value?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional argument names in order; a trailing '?' marks an optional one. */
  positionals: string[];
  flags: Record<string, FlagSpec>;
  examples?: string[];
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | number | boolean | undefined>;
}

export class UsageError extends Error {
  constructor(message: string, readonly command?: CommandSpec) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], spec: CommandSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    let name = arg.slice(2);
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      inline = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    let negated = false;
    let flag = spec.flags[name];
    if (!flag && name.startsWith('no-') && spec.flags[name.slice(3)]?.type === 'boolean') {
      negated = true;
      name = name.slice(3);
      flag = spec.flags[name];
    }
    if (!flag) throw new UsageError(`unknown option --${name}`, spec);
    if (flag.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`, spec);
      flags[name] = !negated;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`, spec);
    if (flag.type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${raw}"`, spec);
      flags[name] = n;
    } else {
      flags[name] = raw;
    }
  }
  const required = spec.positionals.filter((p) => !p.endsWith('?')).length;
  if (positionals.length < required) {
    throw new UsageError(`missing ${spec.positionals.slice(positionals.length).filter((p) => !p.endsWith('?')).map((p) => `<${p}>`).join(' ')}`, spec);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument "${positionals[spec.positionals.length]}"`, spec);
  }
  return { positionals, flags };
}

export function formatHelp(spec: CommandSpec): string {
  const pos = spec.positionals.map((p) => (p.endsWith('?') ? `[${p.slice(0, -1)}]` : `<${p}>`)).join(' ');
  const lines = [`usage: wukong ${spec.name}${pos ? ' ' + pos : ''}${Object.keys(spec.flags).length ? ' [options]' : ''}`, '', spec.summary];
  const names = Object.entries(spec.flags).map(([n, f]) => [`--${n}${f.type === 'boolean' ? '' : ` ${f.value ?? (f.type === 'number' ? 'N' : 'VALUE')}`}`, f.description]);
  if (names.length) {
    const width = Math.max(...names.map(([n]) => n.length));
    lines.push('', 'options:');
    for (const [n, d] of names) lines.push(`  ${n.padEnd(width)}  ${d}`);
  }
  if (spec.examples?.length) {
    lines.push('', 'examples:');
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n');
}
