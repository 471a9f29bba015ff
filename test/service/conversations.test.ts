/**
 * Conversations are kept in the library database: a new service on the same data folder (a
 * restart) finds each question with its answer, evidence and citations; the open document is
 * remembered; a damaged saved parse is read again from the stored PDF instead of failing for good.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AskEvent, WukongService } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { tempHome } from '../helpers/cli.js';
import { makePdf } from '../helpers/pdf.js';

const PAGES = [['Linear mixed models add random effects to the fixed effects of a linear model.'], ['The sleepstudy data record the reaction times of eighteen subjects over ten days of sleep deprivation.']];

async function collect(events: AsyncIterable<AskEvent>): Promise<AskEvent[]> {
  const out: AskEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function openReady(service: WukongService): Promise<string> {
  const { document, job } = await service.openDocument({ bytes: await makePdf(PAGES), fileName: 'sleep.pdf' });
  await service.waitForJob(job!.id);
  return document.id;
}

describe('stored conversations', () => {
  it('survive a new service on the same data folder, with answers, evidence and citations', async () => {
    const home = tempHome();
    const first = await createService({ home });
    const docId = await openReady(first);
    const events = await collect(first.ask({ docIds: [docId] }, 'How many subjects were in the sleepstudy?', { extractive: true, conversationId: 'c-1' }));
    const done = events.find((e): e is Extract<AskEvent, { type: 'done' }> => e.type === 'done')!;
    expect(done.answer.citations.length).toBeGreaterThan(0);
    // A failed question is recorded too, with its error; a question without a conversation id is not.
    await collect(first.ask({ docIds: ['f'.repeat(64)] }, 'Is anything here?', { extractive: true, conversationId: 'c-2' }));
    await collect(first.ask({ docIds: [docId] }, 'Not recorded?', { extractive: true }));
    await first.setOpenDocument(docId);
    await first.close();

    const second = await createService({ home });
    try {
      const list = await second.listConversations({ docIds: [docId] });
      expect(list).toEqual([expect.objectContaining({ id: 'c-1', title: 'How many subjects were in the sleepstudy?', turnCount: 1, scope: { docIds: [docId] } })]);
      const stored = await second.getConversation('c-1');
      expect(stored.turns).toHaveLength(1);
      const [turn] = stored.turns;
      expect(turn).toMatchObject({ question: 'How many subjects were in the sleepstudy?', state: 'done', text: done.answer.text });
      expect(turn.text).toContain('eighteen subjects');
      expect(turn.answer!.citations).toEqual(done.answer.citations);
      expect(turn.evidence.map((e) => e.unitId)).toEqual((events.find((e) => e.type === 'evidence') as { evidence: { unitId: string }[] }).evidence.map((e) => e.unitId));
      expect((await second.getConversation('c-2')).turns[0]).toMatchObject({ state: 'failed', error: { code: 'NOT_FOUND' } });
      expect(await second.getOpenDocument()).toBe(docId);

      // A follow-up appends to the same conversation; asking it over another scope is refused.
      await collect(second.ask({ docIds: [docId] }, 'Over how many days?', { extractive: true, conversationId: 'c-1' }));
      expect((await second.getConversation('c-1')).turns.map((t) => t.question)).toEqual(['How many subjects were in the sleepstudy?', 'Over how many days?']);
      const wrong = await collect(second.ask({ library: true }, 'Anything?', { extractive: true, conversationId: 'c-1' }));
      expect(wrong).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'BAD_REQUEST' }) }]);

      await second.deleteConversation('c-1');
      await expect(second.getConversation('c-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(second.deleteConversation('c-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(second.setOpenDocument('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // Removing the document takes its conversations and its place as the open document with it.
      await collect(second.ask({ docIds: [docId] }, 'Again?', { extractive: true, conversationId: 'c-3' }));
      await second.removeDocument(docId);
      expect(await second.listConversations({ docIds: [docId] })).toEqual([]);
      expect(await second.getOpenDocument()).toBeNull();
    } finally {
      await second.close();
    }
  });

  it('reads a document again from its stored PDF when its saved parse is damaged, and re-indexes a damaged index', async () => {
    const home = tempHome();
    const first = await createService({ home });
    const docId = await openReady(first);
    await first.close();
    writeFileSync(join(home, 'library', docId, 'index.json'), '{"version":');
    const second = await createService({ home });
    try {
      const evidence = await second.retrieve({ docIds: [docId] }, 'How many subjects?');
      expect(evidence[0].text).toContain('eighteen subjects');
    } finally {
      await second.close();
    }
    writeFileSync(join(home, 'library', docId, 'model.json'), '');
    const third = await createService({ home });
    try {
      await expect(third.retrieve({ docIds: [docId] }, 'How many subjects?')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('read again') });
      const [doc] = await third.listDocuments();
      expect(doc.status).toBe('parsing');
      await third.waitForJob(doc.jobId!);
      expect((await third.listDocuments())[0].status).toBe('ready');
      const evidence = await third.retrieve({ docIds: [docId] }, 'How many subjects?');
      expect(evidence[0].text).toContain('eighteen subjects');
    } finally {
      await third.close();
    }
  });
});
