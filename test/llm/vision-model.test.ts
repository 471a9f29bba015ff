/**
 * core/llm/vision against an independent float64 Idefics3 (vision-reference.ts) on tiny random
 * SmolVLM-layout folders: image features, logits at every prompt position within 1e-3 and greedy
 * ids equal, for a prompt with two split images (2 x 2 tiles + global each); one-shot and chunked
 * prefill (chunks cutting through image-token runs); with DuoAttention streaming heads; untied and
 * tied heads, F32 and BF16 storage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DuoPattern } from '../../core/llm/duo-pattern.js';
import { expandImageTokens } from '../../core/llm/vision/preprocess.js';
import { VisionLanguageModel } from '../../core/llm/vision/vision-model.js';
import { gaussian, TINY_LLAMA, type TinySpec } from './tiny-models.js';
import { TINY_PROCESSOR, writeTinyVlm, type TinyVlmSpec } from './tiny-vlm.js';
import { VisionReference } from './vision-reference.js';

const tmp = mkdtempSync(join(tmpdir(), 'wukong-vlm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TEXT: TinySpec = { ...TINY_LLAMA, tied: false, seed: 31 };

const IMAGE_TOKEN = 299;

const BASE: TinyVlmSpec = {
  text: TEXT,
  vision: { hidden: 32, intermediate: 64, layers: 2, heads: 4, imageSize: 32, patchSize: 8, eps: 1e-6 },
  scaleFactor: 2,
  imageTokenId: IMAGE_TOKEN,
  tied: false,
  dtype: 'F32',
  seed: 32,
  processor: TINY_PROCESSOR,
};

const VARIANTS: { name: string; spec: TinyVlmSpec }[] = [
  { name: 'untied, F32', spec: BASE },
  { name: 'tied, BF16', spec: { ...BASE, tied: true, dtype: 'BF16', seed: 33, text: { ...TEXT, dtype: 'BF16', seed: 34 } } },
];

const TOL = 1e-3;
const GREEDY = 8;

/** A stand-in tokenizer: the processor's special strings get ids of their own, other characters one id each. */
function tokenize(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.split(/(<fake_token_around_image>|<global-img>|<image>|<row_\d+_col_\d+>)/)) {
    if (part === '<fake_token_around_image>') ids.push(290);
    else if (part === '<global-img>') ids.push(291);
    else if (part === '<image>') ids.push(IMAGE_TOKEN);
    else if (part.startsWith('<row_')) {
      const [, r, c] = /<row_(\d+)_col_(\d+)>/.exec(part)!;
      ids.push(270 + (Number(r) - 1) * 4 + Number(c) - 1);
    } else for (const ch of part) ids.push(ch === '\n' ? 10 : 30 + (ch.charCodeAt(0) % 200));
  }
  return ids;
}

function randomImage(w: number, h: number, channels: 3 | 4, seed: number) {
  const rnd = gaussian(seed);
  const data = Uint8Array.from({ length: w * h * channels }, (_, i) => (channels === 4 && i % 4 === 3 ? 255 : Math.max(0, Math.min(255, Math.round(128 + 60 * rnd())))));
  return { width: w, height: h, data, channels };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

async function setup(name: string, spec: TinyVlmSpec, pattern?: DuoPattern) {
  const folder = writeTinyVlm(join(tmp, name.replace(/\W+/g, '-')), spec);
  const model = await VisionLanguageModel.load(folder, { precision: 'fp32', visionPrecision: 'fp32', pattern, threads: 1, cacheDir: join(folder, 'onnx') });
  const ref = VisionReference.load(folder);
  const images = [model.preprocess(randomImage(40, 24, 4, 7)), model.preprocess(randomImage(30, 50, 3, 8))];
  const text = expandImageTokens('Figure 1:<image>Figure 2:<image>Which curve is higher?', images, model.config.imageSeqLen);
  const ids = tokenize(text);
  const features = await Promise.all(images.map((im) => model.encode(im)));
  const refFeatures = images.map((im) =>
    ref.imageFeatures(Array.from({ length: im.count }, (_, t) => Float64Array.from(im.pixels.subarray(t * 3 * im.side ** 2, (t + 1) * 3 * im.side ** 2)))),
  );
  return { model, ref, images, ids, features, refFeatures };
}

describe.each(VARIANTS)('tiny Idefics3 ($name) against the float64 reference', ({ name, spec }) => {
  it('image features, prompt logits and greedy ids (one-shot and chunked prefill)', async () => {
    const { model, ref, images, ids, features, refFeatures } = await setup(name, spec);
    expect(model.config.imageSeqLen).toBe(ref.imageSeqLen);
    expect(images.map((im) => [im.rows, im.cols, im.count])).toEqual([[2, 2, 5], [2, 2, 5]]);
    const H = model.config.text.hiddenSize;
    features.forEach((f, i) => {
      expect(f.length).toBe(refFeatures[i].length * H);
      const flat = Float64Array.from(refFeatures[i].flatMap((r) => [...r]));
      expect(maxDiff(f, flat)).toBeLessThan(1e-4);
    });
    expect(ids.filter((x) => x === IMAGE_TOKEN).length).toBe(2 * 5 * model.config.imageSeqLen);

    const want = ref.logits(ids, refFeatures.flat());
    const refGreedy = ref.greedy(ids, refFeatures.flat(), GREEDY);
    // The reference's choices must not hinge on float32 rounding.
    expect(refGreedy.minMargin).toBeGreaterThan(10 * TOL);
    for (const chunk of [ids.length, 7]) {
      const { logits } = await model.prefill(model.decoder.empty(), ids, features, chunk, undefined, true);
      expect(logits.length).toBe(ids.length);
      let worst = 0;
      for (let i = 0; i < ids.length; i++) worst = Math.max(worst, maxDiff(logits[i], want[i]));
      expect(worst).toBeLessThan(TOL);
      expect(await model.greedy(ids, features, GREEDY, chunk)).toEqual(refGreedy.ids);
    }
    await model.close();
  });

  it('with DuoAttention streaming heads (sink 2, recent 5)', async () => {
    const pattern: DuoPattern = { sink: 2, recent: 5, layers: [[1, 0], [0, 1]] };
    const { model, ref, ids, features, refFeatures } = await setup(`${name}-duo`, spec, pattern);
    const want = ref.logits(ids, refFeatures.flat(), pattern);
    const { logits } = await model.prefill(model.decoder.empty(), ids, features, 9, undefined, true);
    let worst = 0;
    for (let i = 0; i < ids.length; i++) worst = Math.max(worst, maxDiff(logits[i], want[i]));
    expect(worst).toBeLessThan(TOL);
    expect(argmax(logits[ids.length - 1])).toBe(argmax(want[ids.length - 1]));
    expect(await model.greedy(ids, features, GREEDY, 9)).toEqual(ref.greedy(ids, refFeatures.flat(), GREEDY, pattern).ids);
    await model.close();
  });
});

describe('tiny Idefics3 prompts', () => {
  it('refuses a prompt whose image tokens do not match the features', async () => {
    const { model, ids, features } = await setup('mismatch', BASE);
    await expect(model.prefill(model.decoder.empty(), ids, features.slice(0, 1))).rejects.toThrow(/image tokens/);
    await model.close();
  });
});
