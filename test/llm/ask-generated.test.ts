/**
 * `ask` with a language model installed, as the app drives it: evidence first, streamed tokens,
 * a generated answer with checked claims; a follow-up reuses the cached evidence prefix; a
 * whole-paper question feeds the paper in reading order. (The tiny random model's words mean
 * nothing: these tests check the plumbing, never answer quality.)
 */
import { cpSync, existsSync, mkdtempSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Answer, AskEvent, ChatTurn, Evidence } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { makePdf } from '../helpers/pdf.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');
const QWEN = join(SHARED, 'models', 'tiny-qwen2');

async function collect(events: AsyncIterable<AskEvent>) {
  const types: string[] = [];
  let evidence: Evidence[] = [];
  let text = '';
  let answer: Answer | undefined;
  let error: string | undefined;
  for await (const e of events) {
    types.push(e.type);
    if (e.type === 'evidence') evidence = e.evidence;
    else if (e.type === 'token') text += e.text;
    else if (e.type === 'done') answer = e.answer;
    else if (e.type === 'error') error = `${e.error.code}: ${e.error.message}`;
  }
  return { types, evidence, text, answer, error };
}

const PAGES = [
  [
    'Introduction',
    'We study how honey bees tell their hive mates where flowers are. The waggle dance encodes direction and distance.',
    'Methods',
    'We filmed 40 colonies for 120 days and decoded 9,000 dances by hand.',
  ],
  ['Results', 'Dance duration grew with the distance to the food source, about one second per kilometre.', 'Limitations', 'Our colonies all lived in one valley, so the calibration may not hold elsewhere.'],
];

describe.skipIf(!existsSync(QWEN))('ask with a local language model', () => {
  it('streams a generated, cited answer; a follow-up reuses the evidence prefix; whole-paper reads everything', async () => {
    const home = tempHome();
    const service = await createService({ home });
    try {
      // Installed as a person would: from a folder, selected as the generator.
      const model = mkdtempSync(join(tmpdir(), 'wukong-model-'));
      cpSync(QWEN, model, { recursive: true });
      const installed = await service.installModel(model, 'tiny-qwen2');
      expect(installed.role).toBe('generator');
      await service.selectModel('generator', 'tiny-qwen2');
      const { document, job } = await service.openDocument({ bytes: await makePdf(PAGES), fileName: 'bees.pdf' });
      await service.waitForJob(job!.id);
      const scope = { docIds: [document.id] };

      const first = await collect(service.ask(scope, 'How many colonies were filmed?', { precision: 'fp32', k: 2 }));
      expect(first.error).toBeUndefined();
      expect(first.types[0]).toBe('evidence');
      // The graph is built on first use (installed from a folder with fp32 asked for now): its progress comes first.
      expect(first.types.indexOf('progress')).toBeGreaterThan(0);
      expect(first.types.indexOf('progress')).toBeLessThan(first.types.indexOf('token'));
      expect(first.types.at(-1)).toBe('done');
      const a = first.answer!;
      expect(a.mode).toBe('generated');
      expect(a.model).toBe('tiny-qwen2');
      expect(a.text).toBe(first.text);
      expect(a.stats!.promptTokens).toBeGreaterThan(50);
      expect(a.stats!.reusedTokens).toBe(0);
      expect(a.claims!.length).toBeGreaterThan(0);
      // Random words cite nothing: every sentence is flagged, none silently trusted.
      expect(a.claims!.every((c) => !c.supported || c.citations.length > 0)).toBe(true);

      const history: ChatTurn[] = [
        { role: 'user', text: 'How many colonies were filmed?' },
        { role: 'assistant', text: a.text },
      ];
      const second = await collect(service.ask(scope, 'And for how long?', { precision: 'fp32', k: 2, history }));
      expect(second.error).toBeUndefined();
      // The earlier evidence keeps its numbers and comes first; its cache is read from memory.
      expect(second.evidence.slice(0, first.evidence.length).map((e) => [e.rank, e.unitId])).toEqual(first.evidence.map((e) => [e.rank, e.unitId]));
      expect(second.answer!.stats!.reusedTokens).toBeGreaterThan(a.stats!.promptTokens / 2);

      // In a stored conversation the caller sends no history: the service builds it from the stored turns, and the cache is still reused.
      const c1 = await collect(service.ask(scope, 'How many colonies were filmed?', { precision: 'fp32', k: 2, conversationId: 'bees' }));
      const c2 = await collect(service.ask(scope, 'And for how long?', { precision: 'fp32', k: 2, conversationId: 'bees' }));
      expect(c2.error).toBeUndefined();
      expect(c2.answer!.stats!.reusedTokens).toBeGreaterThan(c1.answer!.stats!.promptTokens / 2);
      expect((await service.getConversation('bees')).turns.map((t) => t.text)).toEqual([c1.answer!.text, c2.answer!.text]);

      const whole = await collect(service.ask(scope, 'Summarise this paper.', { precision: 'fp32' }));
      expect(whole.error).toBeUndefined();
      expect(whole.answer!.wholePaper).toEqual({ passages: whole.evidence.length, truncated: false });
      expect(whole.evidence.map((e) => e.text).join(' ')).toContain('one valley');
      expect(whole.evidence.map((e) => e.text).join(' ')).toContain('9,000 dances');

      const quoted = await collect(service.ask(scope, 'How many colonies were filmed?', { extractive: true }));
      expect(quoted.answer!.mode).toBe('extractive');
    } finally {
      await service.close();
    }
  });

  it('falls back to quoting the evidence, saying why, when the model cannot be loaded', async () => {
    const service = await createService({ home: tempHome() });
    try {
      const model = mkdtempSync(join(tmpdir(), 'wukong-model-'));
      cpSync(QWEN, model, { recursive: true });
      await service.installModel(model, 'tiny-qwen2');
      await service.selectModel('generator', 'tiny-qwen2');
      const installed = (await service.listModels()).find((m) => m.id === 'tiny-qwen2')!;
      // A damaged download: the weights are cut short (fp32 is not built yet, so they must be read).
      truncateSync(join(installed.path!, 'model.safetensors'), 1000);
      const { document, job } = await service.openDocument({ bytes: await makePdf(PAGES), fileName: 'bees.pdf' });
      await service.waitForJob(job!.id);
      const r = await collect(service.ask({ docIds: [document.id] }, 'How many colonies were filmed?', { precision: 'fp32' }));
      expect(r.error).toBeUndefined();
      expect(r.answer!.mode).toBe('extractive');
      expect(r.answer!.notice).toMatch(/tiny-qwen2 could not be used .*quotes the evidence/);
      expect(r.answer!.text).toContain('40 colonies');
    } finally {
      await service.close();
    }
  });

  it('wukong ask --whole-paper through the CLI', async () => {
    const home = tempHome();
    const pdf = join(home, 'bees.pdf');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(pdf, await makePdf(PAGES));
    const run = await runCli(['ask', pdf, 'Who filmed the bees?', '--model', QWEN, '--precision', 'fp32', '--whole-paper', '--json'], { WUKONG_HOME: home });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.out) as { answer: Answer; evidence: Evidence[] };
    expect(out.answer.mode).toBe('generated');
    expect(out.answer.wholePaper!.passages).toBe(out.evidence.length);
  });
});
