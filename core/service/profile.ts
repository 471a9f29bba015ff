/** `wukong models profile`: a DuoAttention pattern for an installed generator, written beside its weights. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileOptions, ProfileReport } from '../api.js';
import { WukongError } from '../errors.js';
import { ChatTokenizer } from '../llm/chat.js';
import { readDecoderConfig } from '../llm/config.js';
import { importGateTsv, profileModel } from '../llm/profile.js';
import { writeJsonAtomic } from '../util/fs.js';

export async function profileAndSave(folder: string, cacheDir: string, o: ProfileOptions): Promise<ProfileReport> {
  if (typeof o.streaming !== 'number' || !(o.streaming >= 0 && o.streaming <= 1)) {
    throw new WukongError('BAD_REQUEST', 'The streaming share must be a number from 0 to 1.');
  }
  const sink = o.sink ?? 64;
  const recent = o.recent ?? 256;
  const c = readDecoderConfig(folder);
  let report: Omit<ProfileReport, 'path'>;
  if (o.importTsv) {
    let text: string;
    try {
      text = readFileSync(o.importTsv, 'utf8');
    } catch (err) {
      throw new WukongError('NOT_FOUND', `The gate file ${o.importTsv} could not be read.`, String(err));
    }
    report = { pattern: importGateTsv(text, c, o.streaming, sink, recent), passkey: [] };
  } else {
    report = await profileModel(folder, cacheDir, c, ChatTokenizer.load(folder, c.eosTokenIds), {
      sink,
      recent,
      block: o.block,
      share: o.streaming,
      precision: o.precision ?? 'int4',
      passkeyTrials: o.trials,
    });
  }
  const path = join(folder, 'duo-pattern.json');
  await writeJsonAtomic(path, report.pattern);
  return { path, ...report };
}
