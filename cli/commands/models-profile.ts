/** `wukong models profile <id> --streaming 0.5`: a DuoAttention head pattern for an installed generator. */
import type { Precision, WukongService } from '../../core/api.js';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import { printJson } from '../command.js';
import type { CliIO } from '../io.js';

export const profileFlags = {
  streaming: { type: 'number', value: 'SHARE', description: 'profile: share of key/value heads made streaming, 0..1 (default 0.5)' },
  sink: { type: 'number', value: 'S', description: 'profile: attention sinks a streaming head keeps (default 64)' },
  recent: { type: 'number', value: 'W', description: 'profile: recent window a streaming head keeps (default 256)' },
  block: { type: 'number', value: 'N', description: 'profile: length of the repeated random block heads are scored on (default 2 x recent)' },
  trials: { type: 'number', value: 'N', description: 'profile: passkey trials per streaming share (default 5)' },
  import: { type: 'string', value: 'GATES.tsv', description: "profile: cut the pattern from DuoAttention's published gates instead" },
} as const;

export async function profile(service: WukongService, id: string, flags: ParsedArgs['flags'], io: CliIO, json: boolean): Promise<number> {
  const streaming = (flags.streaming as number | undefined) ?? 0.5;
  if (!(streaming >= 0 && streaming <= 1)) throw new UsageError('--streaming must be a number from 0 to 1');
  for (const k of ['sink', 'recent', 'block', 'trials'] as const) {
    const v = flags[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < (k === 'sink' ? 0 : 1))) throw new UsageError(`--${k} must be a whole number`);
  }
  io.progress(flags.import ? 'Reading the gate file' : `Profiling ${id}: scoring heads, then passkey tests at 0, 25, 50 and 75% streaming`);
  const report = await service.profileModel(id, {
    streaming,
    sink: flags.sink as number | undefined,
    recent: flags.recent as number | undefined,
    block: flags.block as number | undefined,
    trials: flags.trials as number | undefined,
    precision: flags.precision as Precision | undefined,
    importTsv: flags.import as string | undefined,
  });
  io.progress('');
  if (json) {
    printJson(io, report);
    return 0;
  }
  const flat = report.pattern.layers.flat();
  io.out(`wrote ${report.path}: ${flat.filter((v) => v === 0).length} of ${flat.length} key/value heads streaming (sink ${report.pattern.sink}, recent ${report.pattern.recent})`);
  for (const p of report.passkey) io.out(`  passkey accuracy at ${Math.round(p.streaming * 100)}% streaming: ${Math.round(p.accuracy * 100)}%`);
  return 0;
}
