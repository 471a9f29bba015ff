import { WukongError } from '../../core/errors.js';
import { jsonFlag, type Command } from '../command.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Run a question set (../shared/eval format) through the sampler; write per-question evidence and print metrics.',
  positionals: ['set-dir'],
  flags: {
    k: { type: 'number', description: 'evidence items per question (default 10)' },
    retriever: { type: 'string', value: 'hybrid|bm25|dense', description: 'scoring (default hybrid)' },
    out: { type: 'string', value: 'FILE', description: 'write one JSON line per question to FILE' },
    ...jsonFlag,
  },
  async run() {
    throw new WukongError('NOT_IMPLEMENTED', 'Evaluation comes with the evidence-sampler issue and is not available in this version yet.');
  },
};
