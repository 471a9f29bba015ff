import type { Evidence, RetrieverKind } from '../../core/api.js';
import { UsageError } from '../args.js';
import { jsonFlag, printJson, truncate, type Command } from '../command.js';
import { cliService, openReady } from '../open.js';

export const retrievalFlags = {
  k: { type: 'number', description: 'how many evidence items (default 7)' },
  budget: { type: 'number', description: 'token budget for all evidence (default 2000)' },
  retriever: { type: 'string', value: 'hybrid|bm25|dense', description: 'scoring (default hybrid)' },
  password: { type: 'string', description: 'password of an encrypted PDF' },
} as const;

export function retrieverFlag(value: unknown): RetrieverKind | undefined {
  if (value === undefined) return undefined;
  if (value === 'hybrid' || value === 'bm25' || value === 'dense') return value;
  throw new UsageError(`--retriever must be hybrid, bm25 or dense, got "${String(value)}"`);
}

export function questionArg(value: string): string {
  if (value.trim() === '') throw new UsageError('the question is empty');
  return value;
}

export function positiveInt(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a whole number >= 1`);
  return value;
}

export const retrieveCommand: Command = {
  name: 'retrieve',
  summary: 'Show the evidence units the sampler picks for a question, with pages, boxes and scores.',
  positionals: ['pdf', 'question'],
  flags: { ...retrievalFlags, ...jsonFlag },
  examples: ['wukong retrieve paper.pdf "what dataset do they fine-tune on?" --k 5'],
  async run({ args, io, env }) {
    const [path, rawQuestion] = args.positionals;
    const question = questionArg(rawQuestion);
    const options = {
      k: positiveInt('k', args.flags.k),
      budget: positiveInt('budget', args.flags.budget),
      retriever: retrieverFlag(args.flags.retriever),
    };
    const service = await cliService(env);
    try {
      const docId = await openReady(service, path, io, args.flags.password as string | undefined);
      const evidence = await service.retrieve({ docIds: [docId] }, question, options);
      if (args.flags.json) printJson(io, { question, evidence });
      else io.out(formatEvidence(evidence));
      return 0;
    } finally {
      await service.close();
    }
  },
};

export function formatEvidence(evidence: Evidence[]): string {
  if (evidence.length === 0) return 'No evidence found.';
  return evidence
    .map((e) => {
      const where = `p${e.page} ${e.kind}${e.label ? ` ${e.label}` : ''}${e.section.length ? ` — ${e.section[e.section.length - 1]}` : ''}`;
      return `[${e.rank}] ${where}  (score ${e.score.toFixed(3)}, ${e.tokens} tokens)\n    ${truncate(e.text, 300)}`;
    })
    .join('\n');
}
