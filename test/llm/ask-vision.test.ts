/**
 * `ask` with a vision-language model installed from a folder (a tiny random SmolVLM with SmolLM's
 * tokenizer and SmolVLM's template) and selected: the figure the sampler picked goes in as an
 * image (its crop rendered from the stored PDF), the prompt holds its image tokens, the answer
 * streams and is generated, the evidence carries the crop's thumbnail; a prompt state that read
 * an image is never continued by another prompt. A text-only generator, once selected, answers
 * from the caption as before. (The random model's words mean nothing: plumbing only.)
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Answer, AskEvent, Evidence } from '../../core/api.js';
import { ChatTokenizer } from '../../core/llm/chat.js';
import { createService } from '../../core/service/index.js';
import { tempHome } from '../helpers/cli.js';
import { drawPlot, lines, makePdf } from '../pdf/make-pdf.js';
import { TINY_LLAMA } from './tiny-models.js';
import { TINY_PROCESSOR, writeTinySmolVlm, type TinyVlmSpec } from './tiny-vlm.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');
const SMOLLM = join(SHARED, 'tokenizers', 'SmolLM-360M-Instruct');
const QWEN = join(SHARED, 'models', 'tiny-qwen2');

const tmp = mkdtempSync(join(tmpdir(), 'wukong-askvlm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SPEC: TinyVlmSpec = {
  text: { ...TINY_LLAMA, tied: true, seed: 41 },
  vision: { hidden: 32, intermediate: 64, layers: 1, heads: 4, imageSize: 32, patchSize: 8, eps: 1e-6 },
  scaleFactor: 2,
  imageTokenId: 0,
  tied: true,
  dtype: 'F32',
  seed: 42,
  processor: TINY_PROCESSOR,
};
/** <image> tokens per frame: (32 / 8 / 2)^2. */
const SEQ = 4;

async function collect(events: AsyncIterable<AskEvent>) {
  let evidence: Evidence[] = [];
  let text = '';
  let tokens = 0;
  let answer: Answer | undefined;
  let error: string | undefined;
  for await (const e of events) {
    if (e.type === 'evidence') evidence = e.evidence;
    else if (e.type === 'token') {
      text += e.text;
      tokens++;
    } else if (e.type === 'done') answer = e.answer;
    else if (e.type === 'error') error = `${e.error.code}: ${e.error.message}`;
  }
  return { evidence, text, tokens, answer, error };
}

function figurePdf(): Promise<Uint8Array> {
  return makePdf([
    (page, f) => {
      lines(page, f.regular, ['Introduction', 'We counted honey bee colonies in one valley every morning for ten days.', 'The colonies grew steadily over the whole trial.'], 72, 72);
      drawPlot(page, 150, 130, 300, 160);
      page.drawText('Figure 1: Growth of the bee colonies over ten days.', { x: 150, y: 792 - 310, size: 10, font: f.regular });
      lines(page, f.regular, ['Results', 'As Figure 1 shows, the colonies doubled in size by the last day.', 'Methods', 'We weighed every hive at dawn with a spring scale.'], 72, 350);
    },
  ]);
}

describe.skipIf(!existsSync(SMOLLM))('ask with a vision-language model', () => {
  it('lays out SmolVLM content lists and plain strings with its template', () => {
    const folder = writeTinySmolVlm(join(tmp, 'template'), SPEC, SMOLLM);
    const tok = ChatTokenizer.load(folder);
    const text = tok.render([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is shown?' }] },
    ]);
    expect(text).toBe('<|im_start|>System: Be brief.<end_of_utterance>\nUser:<image>What is shown?<end_of_utterance>\nAssistant:');
    const ids = tok.encode(text);
    expect(ids.filter((i) => i === 49190)).toHaveLength(1);
    expect(tok.stopIds.has(49279)).toBe(true);
  });

  it('feeds the chosen figure as an image, streams a generated answer, shows the crop; text-only models still answer', async () => {
    const home = tempHome();
    const service = await createService({ home });
    try {
      const folder = writeTinySmolVlm(join(tmp, 'tiny-smolvlm'), SPEC, SMOLLM);
      const installed = await service.installModel(folder, 'tiny-smolvlm', { precision: 'fp32' });
      expect(installed.role).toBe('vision');
      await service.selectModel('vision', 'tiny-smolvlm');
      const { document, job } = await service.openDocument({ bytes: await figurePdf(), fileName: 'bees.pdf' });
      await service.waitForJob(job!.id);
      const scope = { docIds: [document.id] };
      const question = 'What does Figure 1 show about the growth of the bee colonies?';

      const first = await collect(service.ask(scope, question, { precision: 'fp32', k: 3 }));
      expect(first.error).toBeUndefined();
      const fig = first.evidence.find((e) => e.kind === 'figure');
      expect(fig, 'the sampler picks the figure').toBeDefined();
      expect(fig!.text).toContain('Growth of the bee colonies');
      expect(fig!.imageDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
      expect(first.evidence.filter((e) => e.kind !== 'figure' && e.kind !== 'table').every((e) => !e.imageDataUrl)).toBe(true);
      const a = first.answer!;
      expect(a.mode).toBe('generated');
      expect(a.model).toBe('tiny-smolvlm');
      expect(a.text).toBe(first.text);
      expect(first.tokens).toBeGreaterThan(0);
      expect(a.stats!.images).toBe(1);
      // The crop is one frame at the model's 32-pixel tile: <fake><global-img> + 4 x <image> + <fake>.
      expect(a.stats!.promptTokens).toBeGreaterThan(SEQ + 3);

      // The same question again: the evidence (system message) is read from memory, the image never is.
      const again = await collect(service.ask(scope, question, { precision: 'fp32', k: 3 }));
      expect(again.error).toBeUndefined();
      expect(again.answer!.stats!.promptTokens).toBe(a.stats!.promptTokens);
      expect(again.answer!.stats!.reusedTokens).toBeGreaterThan(0);
      expect(again.answer!.stats!.reusedTokens).toBeLessThan(a.stats!.promptTokens - SEQ);

      // A text-only generator, selected, is used first: caption and figure text only, no image.
      if (existsSync(QWEN)) {
        const qwen = join(tmp, 'tiny-qwen2');
        cpSync(QWEN, qwen, { recursive: true });
        await service.installModel(qwen, 'tiny-qwen2', { precision: 'fp32' });
        await service.selectModel('generator', 'tiny-qwen2');
        const text = await collect(service.ask(scope, question, { precision: 'fp32', k: 3 }));
        expect(text.error).toBeUndefined();
        expect(text.answer!.mode).toBe('generated');
        expect(text.answer!.model).toBe('tiny-qwen2');
        expect(text.answer!.stats!.images).toBeUndefined();
        expect(text.evidence.find((e) => e.kind === 'figure')?.text).toContain('Growth of the bee colonies');
        expect(text.evidence.every((e) => !e.imageDataUrl)).toBe(true);

        // Naming the vision model still sends the figure.
        const named = await collect(service.ask(scope, question, { precision: 'fp32', k: 3, model: 'tiny-smolvlm' }));
        expect(named.error).toBeUndefined();
        expect(named.answer!.model).toBe('tiny-smolvlm');
        expect(named.answer!.stats!.images).toBe(1);
      }
    } finally {
      await service.close();
    }
  });
});
