import type { Answer, Evidence, Precision } from '../../core/api.js';
import { WukongError } from '../../core/errors.js';
import { UsageError } from '../args.js';
import { jsonFlag, printJson, truncate, type Command } from '../command.js';
import { cliService, openReady } from '../open.js';
import { positiveInt, questionArg, retrievalFlags, retrieverFlag } from './retrieve.js';

export const askCommand: Command = {
  name: 'ask',
  summary: 'Answer a question about a PDF, citing the evidence ([n] = evidence item n).',
  positionals: ['pdf', 'question'],
  flags: {
    ...retrievalFlags,
    model: { type: 'string', value: 'ID', description: 'answer with this installed generator model' },
    'no-model': { type: 'boolean', description: 'answer with quoted evidence sentences only (no language model)' },
    'whole-paper': { type: 'boolean', description: 'let the model read the whole paper, not the top passages (default: decided by the question)' },
    precision: { type: 'string', value: 'P', description: 'graph precision of the model: fp32, fp16, int8 or int4 (default int4)' },
    ...jsonFlag,
  },
  examples: ['wukong ask paper.pdf "how big is the fine-tuning set?"', 'wukong ask paper.pdf "what is Table 2 about?" --no-model'],
  async run({ args, io, env }) {
    const [path, rawQuestion] = args.positionals;
    const question = questionArg(rawQuestion);
    const extractive = args.flags['no-model'] === true;
    if (extractive && args.flags.model !== undefined) throw new UsageError('--model and --no-model exclude each other');
    const service = await cliService(env);
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const docId = await openReady(service, path, io, args.flags.password as string | undefined);
      let evidence: Evidence[] = [];
      let answer: Answer | undefined;
      for await (const event of service.ask({ docIds: [docId] }, question, {
        k: positiveInt('k', args.flags.k),
        budget: positiveInt('budget', args.flags.budget),
        retriever: retrieverFlag(args.flags.retriever),
        model: args.flags.model as string | undefined,
        extractive,
        wholePaper: args.flags['whole-paper'] as boolean | undefined,
        precision: args.flags.precision as Precision | undefined,
        signal: controller.signal,
      })) {
        if (event.type === 'evidence') evidence = event.evidence;
        else if (event.type === 'progress') io.progress(event.message);
        else if (event.type === 'token' && !args.flags.json) {
          io.progress('');
          process.stdout.write(event.text);
        }
        else if (event.type === 'done') answer = event.answer;
        else if (event.type === 'error') throw new WukongError(event.error.code, event.error.message, event.error.detail);
      }
      if (!answer) throw new WukongError('INTERNAL', 'The answer stream ended without an answer.');
      if (args.flags.json) {
        printJson(io, { question, answer, evidence });
        return 0;
      }
      io.out('');
      if (answer.notice) io.err(`wukong: ${answer.notice}`);
      if (!answer.answerable) io.out('(Not answerable from this document.)');
      const how = answer.mode === 'extractive' ? 'Extractive answer (no language model)' : `Answer by ${answer.model}`;
      const read = answer.wholePaper ? ` from the whole paper (${answer.wholePaper.passages} passages${answer.wholePaper.truncated ? ', cut at the model\'s context' : ''})` : '';
      io.out(`\n${how}${read}, ${answer.ms} ms.${answer.citations.length ? ' Sources:' : ''}`);
      for (const claim of answer.claims ?? []) {
        if (!claim.supported) io.out(`  ! unsupported: "${truncate(answer.text.slice(claim.start, claim.end), 80)}" (${claim.problem ?? 'not supported by its citation'})`);
      }
      for (const c of answer.citations) {
        const e = evidence.find((x) => x.unitId === c.unitId);
        io.out(`  [${c.n}] page ${c.page}${e?.label ? `, ${e.label}` : ''}${e ? `: ${truncate(e.text, 120)}` : ''}`);
      }
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      await service.close();
    }
  },
};
