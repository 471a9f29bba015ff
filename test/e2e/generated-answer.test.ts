/**
 * A generated answer in the app (web mode, fake service with a selected generator): the model's
 * preparation shows its progress, unsupported sentences are marked with their problem, the line
 * under the answer says how it was made, and the Whole paper box and the conversation's history
 * reach the service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../core/api.js';
import { createFakeService, type FakeService } from '../web/fake-service.js';
import { makeFixturePdf, type FixturePdf } from './fixture-pdf.js';
import { join } from 'node:path';
import { artifacts, ask, hasChromium, openApp, screenshot, type AppSession } from './harness.js';

const GENERATOR: ModelInfo = {
  id: 'qwen2.5-0.5b-instruct', role: 'generator', name: 'Qwen2.5 0.5B Instruct', description: 'A small instruction-tuned model.',
  sizeBytes: 995_000_000, installed: true, selected: true, builtin: false,
};

describe.skipIf(!hasChromium)('generated answers in the app (fake service)', () => {
  let fixture: FixturePdf;
  let service: FakeService;
  let app: AppSession;

  beforeAll(async () => {
    fixture = await makeFixturePdf(4);
    service = createFakeService({
      steps: 2,
      stepMs: 300,
      models: [GENERATOR],
      evidence: [
        { rank: 1, unitId: 'u0007', kind: 'paragraph', page: 2, bbox: [72, 150, 500, 198], lineRects: fixture.lineRects, text: fixture.text, section: ['2 Models', '2.1 Random effects'], score: 3, tokens: 40 },
        { rank: 2, unitId: 'u0009', kind: 'figure', page: 2, bbox: fixture.figureBox, lineRects: [fixture.figureBox], text: 'Fitted curves by group.', label: 'Figure 1', section: ['2 Models'], score: 2, tokens: 10 },
      ],
    });
    app = await openApp(service);
    const { page } = app.browser;
    await page.goto(app.server.url);
    await page.locator('wk-app input[type=file]').setInputFiles({ name: 'fixture.pdf', mimeType: 'application/pdf', buffer: Buffer.from(fixture.bytes) });
    await page.locator('wk-library li[data-status="ready"]').waitFor({ timeout: 20_000 });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows the model being prepared, then marks the unsupported sentence and says how the answer was made', async () => {
    const { page } = app.browser;
    // With a generator selected the panel offers the Whole paper box, unchecked.
    const whole = page.locator('wk-ask input[type=checkbox][name="whole-paper"]');
    expect(await whole.isChecked()).toBe(false);

    const box = page.locator('wk-ask textarea');
    await box.fill('What does the generated answer say about random effects?');
    await box.press('Enter');
    const preparing = page.locator('wk-ask article.turn [data-state="preparing"]');
    await preparing.waitFor({ timeout: 10_000 });
    expect(await preparing.innerText()).toMatch(/Preparing the language model…\s*\d of 4/);
    expect(await preparing.locator('progress').getAttribute('max')).toBe('4');
    await page.locator('wk-ask').screenshot({ path: join(artifacts, 'e2e-generated-preparing.png') });
    await page.locator('wk-ask article.turn[data-state="done"]').waitFor({ timeout: 20_000 });
    expect(await preparing.count()).toBe(0);

    // The question went without wholePaper (the service decides) and with an empty history.
    expect(service.askCalls).toHaveLength(1);
    expect(service.askCalls[0].options.wholePaper).toBeUndefined();
    expect(service.askCalls[0].options.history).toEqual([]);

    const answer = page.locator('wk-ask article.turn').first();
    const unsupported = answer.locator('.claim.unsupported');
    expect(await unsupported.count()).toBe(1);
    expect(await unsupported.innerText()).toContain('Zebras migrate across Kenya');
    expect(await unsupported.getAttribute('title')).toBe('Unsupported: shares no content word with the cited evidence');
    expect(await unsupported.getAttribute('data-supported')).toBe('false');
    // A visible marker after it, whose accessible text carries the problem too.
    const flag = answer.locator('.flag');
    expect(await flag.count()).toBe(1);
    expect(await flag.textContent()).toBe('unsupported: shares no content word with the cited evidence');
    expect(await flag.getAttribute('title')).toBe('Unsupported: shares no content word with the cited evidence');
    // The reason is screen-reader text there (the title shows it on hover): it takes no room on screen.
    expect((await flag.locator('.sr-only').boundingBox())!.width).toBeLessThanOrEqual(1);
    // The supported sentences are not marked.
    const supported = answer.locator('.claim[data-supported="true"]');
    expect(await supported.count()).toBe(2);
    for (let i = 0; i < 2; i++) {
      expect(await supported.nth(i).getAttribute('class')).toBe('claim');
      expect(await supported.nth(i).getAttribute('title')).toBeNull();
    }
    expect(await supported.nth(1).innerText()).toContain('Figure 1 shows the fitted curves');
    // Every [n] is still a citation chip, including the one inside the unsupported sentence.
    expect(await answer.locator('.cite').count()).toBe(3);
    expect(await unsupported.locator('.cite[data-cite="1"]').count()).toBe(1);
    await supported.first().locator('.cite[data-cite="1"]').click();
    await page.locator('wk-viewer .highlight[data-unit-id="u0007"]').first().waitFor();

    const mode = answer.locator('.mode[data-mode="generated"]');
    expect(await mode.innerText()).toBe('Answer by qwen2.5-0.5b-instruct · from 2 passages · 18 tokens/s · 3.0 s');
    expect(await mode.getAttribute('title')).toContain('1,040 prompt tokens, 41 generated');
    await screenshot(page, 'e2e-generated-answer.png');
  });

  it('sends wholePaper: true when the box is checked, and the conversation as history', async () => {
    const { page } = app.browser;
    const whole = page.locator('wk-ask input[type=checkbox][name="whole-paper"]');
    await whole.check();
    await ask(page, app.asks, 'Summarise the generated findings');
    expect(service.askCalls).toHaveLength(2);
    expect(service.askCalls[1].options.wholePaper).toBe(true);
    expect(service.askCalls[1].options.history).toEqual([
      { role: 'user', text: 'What does the generated answer say about random effects?' },
      { role: 'assistant', text: expect.stringContaining('Zebras migrate across Kenya') },
    ]);
    const mode = page.locator('wk-ask article.turn').nth(1).locator('.mode[data-mode="generated"]');
    expect(await mode.innerText()).toBe('Answer by qwen2.5-0.5b-instruct · read the whole paper (42 passages) · 18 tokens/s · cached prefix reused (812 of 7,412 tokens) · 3.0 s');

    // Unchecked again: the option is left out, and the history holds both earlier turns.
    await whole.uncheck();
    await ask(page, app.asks, 'And the generated limitations?');
    expect(service.askCalls[2].options).not.toHaveProperty('wholePaper');
    expect(service.askCalls[2].options.history).toHaveLength(4);
    await screenshot(page, 'e2e-generated-whole-paper.png');
    await page.locator('wk-ask').screenshot({ path: join(artifacts, 'e2e-generated-ask-panel.png') });
    expect(app.errors).toEqual([]);
  });
});
