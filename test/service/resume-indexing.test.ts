/**
 * A document whose process ended while it was being indexed is indexed again from its saved
 * parse when it is opened next, not parsed again.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createService } from '../../core/service/index.js';
import { tempHome } from '../helpers/cli.js';
import { withLibraryDb } from '../helpers/library-db.js';
import { makePdf } from '../helpers/pdf.js';

describe('resumable indexing', () => {
  it('resumes from the saved parse after the process ended mid-index', async () => {
    const home = tempHome();
    const bytes = await makePdf([['Honey bees dance to tell their hive mates where the flowers are.'], ['The waggle run points at the food source.']]);
    const first = await createService({ home });
    const { document, job } = await first.openDocument({ bytes, fileName: 'bees.pdf' });
    expect(job!.kind).toBe('parse');
    await first.waitForJob(job!.id);
    await first.close();

    // What a process killed during indexing leaves: the parse saved, the summary still "indexing", no index.
    const dir = join(home, 'library', document.id);
    withLibraryDb(home, (db) => db.prepare("UPDATE documents SET status = 'indexing', job_id = 'job-of-a-dead-process' WHERE id = ?").run(document.id));
    rmSync(join(dir, 'index.json'), { force: true });

    const second = await createService({ home });
    try {
      expect((await second.listDocuments())[0].status).toBe('cancelled');
      const again = await second.openDocument({ bytes, fileName: 'bees.pdf' });
      expect(again.job!.kind).toBe('index');
      const end = await second.waitForJob(again.job!.id);
      expect(end.state).toBe('done');
      expect((await second.listDocuments())[0].status).toBe('ready');
      expect(existsSync(join(dir, 'index.json'))).toBe(true);
      const evidence = await second.retrieve({ docIds: [document.id] }, 'How do bees show where flowers are?');
      expect(evidence[0].text).toContain('dance');
    } finally {
      await second.close();
    }
  });
});
