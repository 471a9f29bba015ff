/**
 * Generation as a person drives it: `wukong generate` through the service and the worker thread
 * (greedy ids and first-step logits equal the reference), sampling options, stop strings,
 * cancel, and prefix reuse for a follow-up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createService } from '../../core/service/index.js';
import type { GenerateEvent, GenerateResult } from '../../core/api.js';
import { runCli, tempHome } from '../helpers/cli.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'models');
const LLAMA = join(SHARED, 'tiny-llama');

interface Ref {
  input_ids: number[];
  prompt: { pos: number; top: [number, number][] }[];
  greedy: number[];
  duo: { greedy: number[]; prompt: { pos: number; top: [number, number][] }[] };
}

async function collect(events: AsyncIterable<GenerateEvent>): Promise<{ text: string; result?: GenerateResult; error?: string }> {
  let text = '';
  for await (const e of events) {
    if (e.type === 'token') text += e.text;
    else if (e.type === 'done') return { text, result: e.result };
    else if (e.type === 'error') return { text, error: e.error.code };
  }
  return { text };
}

describe.skipIf(!existsSync(SHARED))('wukong generate', () => {
  const ref = () => JSON.parse(readFileSync(join(LLAMA, 'reference.json'), 'utf8')) as Ref;

  it('--ids --greedy --json gives the reference ids and first-step logits (duo pattern of the folder by default)', async () => {
    const r = ref();
    const run = await runCli(['generate', '--model', LLAMA, '--ids', r.input_ids.join(','), '--max-tokens', '16', '--greedy', '--precision', 'fp32', '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.out) as { ids: number[]; steps: { top: [number, number][] }[]; ttft_ms: number; decode_tps: number; peak_rss_mb: number; streaming_share: number };
    // The folder carries duo-pattern.json, so the installed pattern applies unless told otherwise.
    expect(out.streaming_share).toBe(0.5);
    expect(out.ids).toEqual(r.duo.greedy);
    const last = r.duo.prompt.find((p) => p.pos === r.input_ids.length - 1)!;
    expect(out.steps[0].top.map(([id]) => id)).toEqual(last.top.slice(0, 5).map(([id]) => id));
    for (const [i, [, logit]] of out.steps[0].top.entries()) expect(Math.abs(logit - last.top[i][1])).toBeLessThan(1e-3);
    expect(out.ttft_ms).toBeGreaterThan(0);
    expect(out.peak_rss_mb).toBeGreaterThan(0);
    // The prompt read 7 tokens a step (streaming caches evicting between steps): the same ids.
    const chunked = await runCli(['generate', '--model', LLAMA, '--ids', r.input_ids.join(','), '--max-tokens', '16', '--greedy', '--precision', 'fp32', '--chunk', '7', '--json']);
    expect((JSON.parse(chunked.out) as { ids: number[] }).ids).toEqual(r.duo.greedy);
  });

  it('an all-retrieval pattern gives the full-cache reference', async () => {
    const r = ref();
    const home = tempHome();
    const pattern = join(home, 'full.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(pattern, JSON.stringify({ sink: 4, recent: 8, layers: [[1, 1], [1, 1]] }));
    const run = await runCli(['generate', '--model', LLAMA, '--ids', r.input_ids.join(','), '--max-tokens', '16', '--greedy', '--precision', 'fp32', '--duo', pattern, '--json'], { WUKONG_HOME: home });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.out) as { ids: number[] }).ids).toEqual(r.greedy);
  });

  it('refuses bad arguments with usage errors', async () => {
    expect((await runCli(['generate', '--model', LLAMA])).code).toBe(2);
    expect((await runCli(['generate', '--model', LLAMA, '--ids', '1,x'])).code).toBe(2);
    expect((await runCli(['generate', '--model', LLAMA, '--ids', '1', '--precision', 'int3'])).code).toBe(2);
    const huge = await runCli(['generate', '--model', LLAMA, '--ids', '999999', '--precision', 'fp32']);
    expect(huge.code).toBe(1);
    expect(huge.err).toMatch(/Token ids must be/);
  });

  it('without any generator installed, says how to get one', async () => {
    const run = await runCli(['generate', '--prompt', 'hi']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/No language model is installed/);
  });
});

describe.skipIf(!existsSync(SHARED))('generation through the service', () => {
  it('samples repeatably with a seed, stops at stop strings, and honours max tokens', async () => {
    const service = await createService({ home: tempHome() });
    try {
      const base = { model: LLAMA, prompt: 'Tell me about bees.', precision: 'fp32' as const, maxTokens: 12 };
      const a = await collect(service.generate({ ...base, temperature: 0.9, topK: 20, topP: 0.9, seed: 7 }));
      const b = await collect(service.generate({ ...base, temperature: 0.9, topK: 20, topP: 0.9, seed: 7 }));
      expect(a.result!.ids).toEqual(b.result!.ids);
      expect(a.result!.ids.length).toBe(12);
      expect(a.text).toBe(a.result!.text);
      const greedy = await collect(service.generate({ ...base, greedy: true }));
      const penalised = await collect(service.generate({ ...base, greedy: true, repetitionPenalty: 3 }));
      // The tiny random model repeats itself greedily; a strong penalty must break the loop.
      expect(new Set(penalised.result!.ids).size).toBeGreaterThan(new Set(greedy.result!.ids).size);
      const word = greedy.text.trim().split(/\s+/)[1];
      const stopped = await collect(service.generate({ ...base, greedy: true, stop: [word] }));
      expect(stopped.result!.stopReason).toBe('stop');
      expect(stopped.text).not.toContain(word);
      expect(greedy.text.startsWith(stopped.text)).toBe(true);
    } finally {
      await service.close();
    }
  });

  it('a cancelled generation stops within a step and the model still answers afterwards', async () => {
    const service = await createService({ home: tempHome() });
    try {
      const controller = new AbortController();
      let tokens = 0;
      let result: GenerateResult | undefined;
      for await (const e of service.generate({ model: LLAMA, prompt: 'Go on.', precision: 'fp32', maxTokens: 500, greedy: true, signal: controller.signal })) {
        if (e.type === 'token' && ++tokens === 3) controller.abort();
        if (e.type === 'done') result = e.result;
      }
      expect(result!.stopReason).toBe('cancelled');
      expect(result!.ids.length).toBeLessThanOrEqual(5);
      const again = await collect(service.generate({ model: LLAMA, prompt: 'Go on.', precision: 'fp32', maxTokens: 4, greedy: true }));
      expect(again.result!.ids.length).toBe(4);
    } finally {
      await service.close();
    }
  });

  it('a prompt that extends an earlier one reuses its cache and gives the same ids', async () => {
    const r = JSON.parse(readFileSync(join(LLAMA, 'reference.json'), 'utf8')) as Ref;
    const service = await createService({ home: tempHome() });
    try {
      const first = await collect(service.generate({ model: LLAMA, ids: r.input_ids.slice(0, 30), precision: 'fp32', maxTokens: 2, greedy: true }));
      expect(first.result!.reusedTokens).toBe(0);
      const second = await collect(service.generate({ model: LLAMA, ids: r.input_ids, precision: 'fp32', maxTokens: 16, greedy: true }));
      expect(second.result!.reusedTokens).toBeGreaterThanOrEqual(30);
      expect(second.result!.ids).toEqual(r.duo.greedy);
    } finally {
      await service.close();
    }
  });
});
