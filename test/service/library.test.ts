import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createService } from '../../core/service/index.js';
import { EXACT_LIBRARY_DOCS } from '../../core/service/library-search.js';
import { tempHome } from '../helpers/cli.js';
import { makePdf } from '../helpers/pdf.js';

const TOPICS = [
  'Honey bees communicate the direction of flowers to their hive mates with a waggle dance on the comb.',
  'Glaciers in the Alps have lost more than half of their ice volume since the middle of the last century.',
  'The Rosetta stone carries the same decree in hieroglyphic, demotic and ancient Greek scripts.',
  'Sourdough bread rises because wild yeasts and lactic acid bacteria ferment the flour and water.',
  'Octopuses can change the colour and texture of their skin within a fraction of a second.',
  'The transistor replaced the vacuum tube and made small, cheap and reliable computers possible.',
  'Tides are raised mainly by the gravity of the Moon, with a smaller contribution from the Sun.',
  'Violins made by Stradivari in Cremona are prized for their tone and fetch millions at auction.',
  'Penicillin was discovered when a mould killed the bacteria growing on a forgotten culture plate.',
  'Chess engines evaluate millions of positions per second with alpha-beta search and pruning.',
  'Coral reefs bleach when warm water makes the corals expel the algae that live in their tissue.',
];

describe('questions across the library', () => {
  it('narrows a large library with the HNSW index and answers from the right document', async () => {
    expect(TOPICS.length).toBeGreaterThan(EXACT_LIBRARY_DOCS);
    const home = tempHome();
    const service = await createService({ home });
    const ids: string[] = [];
    for (const [i, text] of TOPICS.entries()) {
      const { document, job } = await service.openDocument({ bytes: await makePdf([[text]], { title: `Doc ${i}` }), fileName: `doc${i}.pdf` });
      await service.waitForJob(job!.id);
      ids.push(document.id);
    }
    expect(existsSync(join(home, 'library-index', 'library.hnsw'))).toBe(true);
    const indexed = () => Object.keys(JSON.parse(readFileSync(join(home, 'library-index', 'library.json'), 'utf8')).docs);
    expect(indexed().sort()).toEqual([...ids].sort());
    const evidence = await service.retrieve({ library: true }, 'How do bees tell each other where the flowers are?', { k: 3 });
    expect(evidence[0].docId).toBe(ids[0]);
    expect(evidence[0].text).toContain('waggle dance');
    await service.removeDocument(ids[0]);
    expect(indexed()).not.toContain(ids[0]);
    const after = await service.retrieve({ library: true }, 'How do bees tell each other where the flowers are?', { k: 3 });
    expect(after.every((e) => e.docId !== ids[0])).toBe(true);
    await service.close();
  });
});

describe('a removal cut short', () => {
  it('leaves a folder moved aside that the next start deletes', async () => {
    const home = tempHome();
    // What a process killed between the rename and the delete of a removal leaves behind.
    const left = join(home, 'library', '.removed', 'abc-1234');
    mkdirSync(left, { recursive: true });
    writeFileSync(join(left, 'document.pdf'), '%PDF-1.4 removed');
    const service = await createService({ home });
    try {
      await expect.poll(() => existsSync(left), { timeout: 10_000 }).toBe(false);
      expect(await service.listDocuments()).toEqual([]);
    } finally {
      await service.close();
    }
  });
});
