import type { Answer, Evidence } from '../../core/api.js';
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
        signal: controller.signal,
      })) {
        if (event.type === 'evidence') evidence = event.evidence;
        else if (event.type === 'token' && !args.flags.json) process.stdout.write(event.text);
        else if (event.type === 'done') answer = event.answer;
        else if (event.type === 'error') throw new WukongError(event.error.code, event.error.message, event.error.detail);
      }
      if (!answer) throw new WukongError('INTERNAL', 'The answer stream ended without an answer.');
      if (args.flags.json) {
        printJson(io, { question, answer, evidence });
        return 0;
      }
      io.out('');
      if (!answer.answerable) io.out('(Not answerable from this document.)');
      const how = answer.mode === 'extractive' ? 'Extractive answer (no language model)' : `Answer by ${answer.model}`;
      io.out(`\n${how}, ${answer.ms} ms.${answer.citations.length ? ' Sources:' : ''}`);
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
