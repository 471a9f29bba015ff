import type { GenerateResult, Precision } from '../../core/api.js';
import { WukongError } from '../../core/errors.js';
import { UsageError } from '../args.js';
import { jsonFlag, type Command } from '../command.js';
import { cliService } from '../open.js';
import { positiveInt } from './retrieve.js';

const PRECISIONS = ['fp32', 'fp16', 'int8', 'int4'];

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Run the local language model on a prompt (templated) or raw token ids, streaming its text.',
  positionals: [],
  flags: {
    model: { type: 'string', value: 'ID', description: 'installed generator id or a model folder (default: the selected generator)' },
    prompt: { type: 'string', value: 'TEXT', description: "a user message, laid out by the model's chat template" },
    ids: { type: 'string', value: '1,2,3', description: 'raw prompt token ids, no template' },
    'max-tokens': { type: 'number', value: 'N', description: 'most tokens to generate (default 256)' },
    greedy: { type: 'boolean', description: 'always take the most likely token' },
    temperature: { type: 'number', value: 'T', description: 'sampling temperature (0 = greedy)' },
    'top-k': { type: 'number', value: 'K', description: 'sample among the K most likely tokens' },
    'top-p': { type: 'number', value: 'P', description: 'sample within probability mass P' },
    'repetition-penalty': { type: 'number', value: 'R', description: 'penalise tokens already seen (1 = off)' },
    seed: { type: 'number', value: 'N', description: 'random seed for sampling' },
    stop: { type: 'string', value: 'TEXT', description: 'stop when this text appears' },
    precision: { type: 'string', value: 'P', description: 'graph precision: fp32, fp16, int8 or int4 (default int4)' },
    chunk: { type: 'number', value: 'N', description: 'prompt tokens read per step (default: the prefillChunk setting, else 512)' },
    duo: { type: 'string', value: 'PATTERN.json', description: 'DuoAttention head pattern (default: the model folder\'s duo-pattern.json, if any)' },
    ...jsonFlag,
  },
  examples: [
    'wukong generate --prompt "Name three sorting algorithms."',
    'wukong generate --model ./tiny-llama --ids 1,2,3 --max-tokens 16 --greedy --precision fp32 --json',
  ],
  async run({ args, io, env }) {
    const f = args.flags;
    if ((f.prompt === undefined) === (f.ids === undefined)) throw new UsageError('give exactly one of --prompt and --ids');
    let ids: number[] | undefined;
    if (typeof f.ids === 'string') {
      ids = f.ids.split(',').map((s) => Number(s.trim()));
      if (!ids.length || ids.some((v) => !Number.isInteger(v) || v < 0)) throw new UsageError('--ids takes whole numbers separated by commas');
    }
    if (f.precision !== undefined && !PRECISIONS.includes(String(f.precision))) throw new UsageError(`--precision must be one of ${PRECISIONS.join(', ')}`);
    const json = Boolean(f.json);
    const service = await cliService(env);
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      let result: GenerateResult | undefined;
      for await (const e of service.generate({
        model: f.model as string | undefined,
        prompt: f.prompt as string | undefined,
        ids,
        maxTokens: positiveInt('max-tokens', f['max-tokens']),
        greedy: f.greedy === true,
        temperature: f.temperature as number | undefined,
        topK: f['top-k'] as number | undefined,
        topP: f['top-p'] as number | undefined,
        repetitionPenalty: f['repetition-penalty'] as number | undefined,
        seed: f.seed as number | undefined,
        stop: typeof f.stop === 'string' ? [f.stop] : undefined,
        precision: f.precision as Precision | undefined,
        duo: f.duo as string | undefined,
        chunk: positiveInt('chunk', f.chunk),
        topLogits: json,
        signal: controller.signal,
      })) {
        if (e.type === 'progress') io.progress(e.message);
        else if (e.type === 'token') {
          io.progress('');
          if (!json) process.stdout.write(e.text);
        } else if (e.type === 'done') result = e.result;
        else throw new WukongError(e.error.code, e.error.message, e.error.detail);
      }
      if (!result) throw new WukongError('INTERNAL', 'The generation ended without a result.');
      const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
      if (json) {
        io.out(
          JSON.stringify({
            ids: result.ids,
            text: result.text,
            steps: result.steps ?? [],
            ttft_ms: result.ttftMs,
            decode_tps: result.decodeTps,
            peak_rss_mb: peakRssMb,
            prompt_tokens: result.promptTokens,
            kv_bytes: result.kvBytes,
            stop_reason: result.stopReason,
            streaming_share: result.streamingShare,
          }),
        );
      } else {
        io.out('');
        io.err(
          `${result.ids.length} tokens (${result.stopReason}); prompt ${result.promptTokens} tokens, first token after ${Math.round(result.ttftMs)} ms, ` +
            `${result.decodeTps} tokens/s, KV cache ${(result.kvBytes / 1e6).toFixed(1)} MB, peak memory ${peakRssMb} MB`,
        );
      }
      return result.stopReason === 'cancelled' ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
      await service.close();
    }
  },
};
