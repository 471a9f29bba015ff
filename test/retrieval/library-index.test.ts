import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LibraryIndex } from '../../core/retrieval/library-index.js';

function unit(dims: number, hot: number, noise = 0): number[] {
  const v = Array.from({ length: dims }, (_, i) => (i === hot ? 1 : 0) + noise * Math.sin(i + hot));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('LibraryIndex (hnswlib)', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'wukong-lib-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('finds the nearest item across documents and persists across open()', async () => {
    const dir = tmp();
    const lib = await LibraryIndex.open(dir, { embedderId: 'e1' });
    await lib.addDocument('docA', [unit(8, 0), unit(8, 1)], 'e1');
    await lib.addDocument('docB', [unit(8, 2), unit(8, 3, 0.05)], 'e1');
    expect(lib.search(unit(8, 3), 1)[0]).toMatchObject({ docId: 'docB', item: 1 });
    const again = await LibraryIndex.open(dir, { embedderId: 'e1' });
    expect(again.size).toBe(4);
    const hit = again.search(unit(8, 1), 1)[0];
    expect(hit).toMatchObject({ docId: 'docA', item: 1 });
    expect(hit.score).toBeCloseTo(1, 4);
  });

  it('removes and replaces documents incrementally', async () => {
    const dir = tmp();
    const lib = await LibraryIndex.open(dir);
    await lib.addDocument('docA', [unit(8, 0)]);
    await lib.addDocument('docB', [unit(8, 5)]);
    await lib.removeDocument('docA');
    expect(lib.search(unit(8, 0), 5).map((h) => h.docId)).toEqual(['docB']);
    await lib.addDocument('docB', [unit(8, 6), unit(8, 7)]);
    const reopened = await LibraryIndex.open(dir);
    expect(reopened.documents()).toEqual(['docB']);
    expect(reopened.size).toBe(2);
    expect(reopened.searchDocuments(unit(8, 7), 3)).toEqual(['docB']);
  });

  it('grows past its initial capacity', async () => {
    const lib = await LibraryIndex.open(tmp());
    for (let d = 0; d < 3; d++) await lib.addDocument(`d${d}`, Array.from({ length: 3000 }, (_, i) => unit(16, (i + d) % 16, 0.01 * (i % 7))));
    expect(lib.size).toBe(9000);
  });

  it('opens damaged or mismatched files as an empty index, and saves whole files again', async () => {
    const dir = tmp();
    const lib = await LibraryIndex.open(dir, { embedderId: 'e1' });
    await lib.addDocument('docA', [unit(8, 0), unit(8, 1)], 'e1');
    const graph = readFileSync(join(dir, 'library.hnsw'));
    writeFileSync(join(dir, 'library.hnsw'), graph.subarray(0, graph.byteLength - 9));
    const truncated = await LibraryIndex.open(dir, { embedderId: 'e1' });
    expect([truncated.damaged, truncated.size]).toEqual([true, 0]);
    await truncated.addDocument('docB', [unit(8, 2)], 'e1');
    const reopened = await LibraryIndex.open(dir, { embedderId: 'e1' });
    expect([reopened.damaged, reopened.documents()]).toEqual([false, ['docB']]);
    writeFileSync(join(dir, 'library.json'), '');
    expect((await LibraryIndex.open(dir, { embedderId: 'e1' })).damaged).toBe(true);
    // No temp file is left behind by the saves.
    expect(readdirSync(dir).sort()).toEqual(['library.hnsw', 'library.json']);
  });

  it('starts empty when opened for another embedder', async () => {
    const dir = tmp();
    const lib = await LibraryIndex.open(dir, { embedderId: 'e1' });
    await lib.addDocument('docA', [unit(8, 0)], 'e1');
    const other = await LibraryIndex.open(dir, { embedderId: 'e2' });
    expect(other.size).toBe(0);
  });
});

describe('libraryScope', () => {
  it('narrows a library question to the documents nearest the question vector', async () => {
    const { libraryScope } = await import('../../core/retrieval/library-index.js');
    const dir = mkdtempSync(join(tmpdir(), 'wukong-lib-'));
    try {
      const lib = await LibraryIndex.open(dir, { embedderId: 'e' });
      await lib.addDocument('docA', [unit(8, 0), unit(8, 1)], 'e');
      await lib.addDocument('docB', [unit(8, 4)], 'e');
      const embedder = { id: 'e', embed: async () => [Float32Array.from(unit(8, 4))] };
      expect(await libraryScope(lib, embedder, 'q', 1)).toEqual(['docB']);
      expect(await libraryScope(lib, { ...embedder, id: 'other' }, 'q', 1)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
