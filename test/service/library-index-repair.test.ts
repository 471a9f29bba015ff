/**
 * The library index's files are a cache of the membership the database records: a graph write
 * another process overwrote, or files left empty or truncated by a crash, are rebuilt on the next
 * library question instead of failing it (before: an empty library.json gave INTERNAL for good).
 */
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WukongService } from '../../core/api.js';
import { createService } from '../../core/service/index.js';
import { tempHome } from '../helpers/cli.js';
import { makePdf } from '../helpers/pdf.js';

const DOCS = {
  bees: ['Honey bees tell their hive mates where the flowers are with a waggle dance on the comb.', 'How do bees show where the flowers are?'],
  ice: ['Glaciers in the Alps have lost more than half of their ice volume since the middle of the last century.', 'How much ice have the Alpine glaciers lost?'],
  bread: ['Sourdough bread rises because wild yeasts and lactic acid bacteria ferment the flour and water.', 'What makes sourdough bread rise?'],
} as const;
type Name = keyof typeof DOCS;

async function add(service: WukongService, name: Name): Promise<string> {
  const { document, job } = await service.openDocument({ bytes: await makePdf([[DOCS[name][0]]]), fileName: `${name}.pdf` });
  await service.waitForJob(job!.id);
  return document.id;
}

const graphDocs = (home: string): string[] => Object.keys(JSON.parse(readFileSync(join(home, 'library-index', 'library.json'), 'utf8')).docs).sort();

/** Every document answers its own question through the HNSW index (exactLibraryDocs 0 routes every library question through it). */
async function expectAnswers(home: string, ids: Record<string, string>): Promise<void> {
  const service = await createService({ home, exactLibraryDocs: 0 });
  try {
    for (const [name, id] of Object.entries(ids)) {
      const evidence = await service.retrieve({ library: true }, DOCS[name as Name][1], { k: 1 });
      expect(evidence[0], name).toMatchObject({ docId: id });
    }
  } finally {
    await service.close();
  }
}

describe('library index repair', () => {
  it('puts back a document whose graph write another process overwrote', async () => {
    const home = tempHome();
    const first = await createService({ home });
    const second = await createService({ home });
    const ids: Record<string, string> = {};
    ids.bees = await add(second, 'bees');
    ids.ice = await add(first, 'ice');
    // `second` still holds the graph it saved before `first` added ice: its next save drops ice from the files.
    ids.bread = await add(second, 'bread');
    expect(graphDocs(home)).toEqual([ids.bees, ids.bread].sort());
    await first.close();
    await second.close();
    await expectAnswers(home, ids);
    expect(graphDocs(home)).toEqual(Object.values(ids).sort());
  }, 60_000);

  for (const [what, damage] of [
    ['an empty library.json', (dir: string) => writeFileSync(join(dir, 'library.json'), '')],
    ['a truncated library.json', (dir: string) => truncateSync(join(dir, 'library.json'), 20)],
    ['an empty library.hnsw', (dir: string) => writeFileSync(join(dir, 'library.hnsw'), '')],
    ['a truncated library.hnsw', (dir: string) => truncateSync(join(dir, 'library.hnsw'), Math.floor(readFileSync(join(dir, 'library.hnsw')).byteLength / 2))],
  ] as const) {
    it(`answers library questions after ${what}, and rebuilds the files`, async () => {
      const home = tempHome();
      const service = await createService({ home });
      const ids = { bees: await add(service, 'bees'), ice: await add(service, 'ice') };
      await service.close();
      damage(join(home, 'library-index'));
      await expectAnswers(home, ids);
      expect(graphDocs(home)).toEqual(Object.values(ids).sort());
    }, 60_000);
  }
});
