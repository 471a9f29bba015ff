import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { evaluateSet, loadQuestionSet, questionOutput, summarize, type Summary } from '../../core/eval/index.js';
import { DEFAULT_K } from '../../core/retrieval/retrieve.js';
import { toWriteError } from '../../core/errors.js';
import { defaultHome } from '../../core/service/index.js';
import { LocalService } from '../../core/service/service.js';
import { jsonFlag, printJson, type Command } from '../command.js';
import { openReady } from '../open.js';
import { positiveInt, retrieverFlag } from './retrieve.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Run a question set (../shared/eval format) through the sampler; write per-question evidence and print metrics.',
  positionals: ['set-dir'],
  flags: {
    k: { type: 'number', description: 'evidence items fed per question (default 7, as the app feeds)' },
    budget: { type: 'number', description: 'token budget of the evidence (default 2000)' },
    retriever: { type: 'string', value: 'hybrid|bm25|dense', description: 'scoring (default hybrid)' },
    out: { type: 'string', value: 'FILE', description: 'write one JSON line per question to FILE' },
    ...jsonFlag,
  },
  examples: ['wukong eval ../shared/eval/litqa2-dev --retriever bm25 --out bm25.jsonl'],
  async run({ args, io, env }) {
    const retriever = retrieverFlag(args.flags.retriever) ?? 'hybrid';
    const k = positiveInt('k', args.flags.k) ?? DEFAULT_K;
    const budget = positiveInt('budget', args.flags.budget);
    const set = await loadQuestionSet(resolve(args.positionals[0]));
    const out = args.flags.out as string | undefined;
    // Find out now, not after an hour of questions, that the results cannot be written.
    if (out) await writeFile(out, '').catch((err) => Promise.reject(toWriteError(err, out)));
    // Evaluation scores retrieval itself, so it talks to the service implementation, not the contract.
    const service = new LocalService({ home: defaultHome(env) });
    try {
      const results = await evaluateSet(set, {
        retriever,
        k,
        budget,
        parse: async (path) => service.prepared(await openReady(service, path, io)),
        retrieval: await service.retrievalContext(),
        onQuestion: (_r, done, total) => io.progress(`Question ${done} of ${total}`),
      });
      io.progress('');
      if (out) {
        try {
          await writeFile(out, results.map((r) => JSON.stringify(questionOutput(r))).join('\n') + '\n');
        } catch (err) {
          throw toWriteError(err, out);
        }
      }
      const summary = summarize(results);
      if (args.flags.json) printJson(io, { set: set.dir, retriever, k, summary });
      else io.out(formatSummary(set.dir, retriever, summary) + (out ? `\n\nper-question evidence: ${out}` : ''));
      return 0;
    } finally {
      await service.close();
    }
  },
};

function formatSummary(dir: string, retriever: string, s: Summary): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const at = (r: Record<1 | 3 | 5 | 10, number>) => [1, 3, 5, 10].map((c) => pct(r[c as 1 | 3 | 5 | 10])).join('  ');
  const lines = [
    `${dir} — ${retriever}: ${s.questions} questions (${s.counted} with gold pages); fed = the evidence within the budget`,
    `  page-recall@1/3/5/10   ${at(s.pageRecall)}   (top 10 without budget: ${at(s.unbudgeted.pageRecall)})`,
  ];
  if (s.passageHit) {
    lines.push(`  passage-hit@1/3/5/10   ${at(s.passageHit)}   (top 10 without budget: ${at(s.unbudgeted.passageHit!)})  (${s.passageQuestions} questions with gold passages)`);
    lines.push(`  fed evidence covering a gold passage: ${pct(s.fedCoverage ?? 0)}`);
  }
  for (const [g, v] of Object.entries(s.byGroup)) lines.push(`  page-recall@5 ${g.padEnd(8)} ${pct(v.pageRecall5)} of ${v.n}`);
  lines.push(`  tokens fed: mean ${s.meanTokens}, max ${s.maxTokens}; retrieval ms: mean ${s.meanMs}, p95 ${s.p95Ms}`);
  lines.push(`  lines highlighted per citation (extractive answers): median ${s.citationLines.median}, p90 ${s.citationLines.p90} over ${s.citationLines.n}`);
  if (s.quoteHit.n) lines.push(`  extractive answers quoting a gold sentence: ${pct(s.quoteHit.rate)} of ${s.quoteHit.n} (questions whose fed evidence holds one)`);
  return lines.join('\n');
}
