import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyBertFolder } from '../../models/tools/make-tiny-bert.js';
import { OnnxEmbedder } from '../../core/retrieval/onnx-embedder.js';
import { dot } from '../../core/retrieval/embedder.js';

const tokenizerDir = join(__dirname, '..', '..', '..', 'shared', 'tokenizers', 'all-MiniLM-L6-v2');

// The model has random weights: these tests check mechanics (shapes, pooling, masking), never quality.
describe.skipIf(!existsSync(tokenizerDir))('OnnxEmbedder on a generated tiny BERT', () => {
  let dir: string;
  let mean: OnnxEmbedder;
  let cls: OnnxEmbedder;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wukong-tinybert-'));
    await writeTinyBertFolder(join(dir, 'mean'), tokenizerDir, { hidden: 32, pooling: 'mean' });
    await writeTinyBertFolder(join(dir, 'cls'), tokenizerDir, { hidden: 32, pooling: 'cls' });
    mean = await OnnxEmbedder.load(join(dir, 'mean'), { maxTokens: 24 });
    cls = await OnnxEmbedder.load(join(dir, 'cls'));
  });

  afterAll(async () => {
    await mean?.close();
    await cls?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the pooling config and outputs unit vectors of the hidden size', async () => {
    expect(mean.pooling).toBe('mean');
    expect(cls.pooling).toBe('cls');
    expect(mean.dims).toBe(32);
    const vs = await mean.embed(['linear mixed models', 'a second, longer text about sparse Cholesky factors']);
    expect(vs).toHaveLength(2);
    for (const v of vs) {
      expect(v).toHaveLength(32);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
  });

  it('gives a text the same vector alone and padded in a batch with longer texts', async () => {
    const short = 'penalized least squares';
    const [alone] = await mean.embed([short]);
    const batch = await mean.embed(['a much longer text that forces padding of the short one in the same batch', short, 'x']);
    expect(batch[1].length).toBe(alone.length);
    for (let i = 0; i < alone.length; i++) expect(batch[1][i]).toBeCloseTo(alone[i], 5);
  });

  it('mean pooling depends on every real token; CLS pooling only on the first one', async () => {
    const [a, b] = await mean.embed(['random effects', 'fixed effects']);
    expect(dot(a, b)).toBeLessThan(0.9999);
    // In this attention-free graph the [CLS] state cannot see the rest of the text.
    const [c, d] = await cls.embed(['random effects', 'fixed effects']);
    for (let i = 0; i < c.length; i++) expect(c[i]).toBeCloseTo(d[i], 5);
  });

  it('truncates to maxTokens and keeps the closing [SEP]', () => {
    const ids = mean.encode('word '.repeat(100));
    expect(ids).toHaveLength(24);
    expect(ids[0]).toBe(101);
    expect(ids[23]).toBe(102);
  });

  it('is deterministic', async () => {
    const [a] = await mean.embed(['same text']);
    const [b] = await mean.embed(['same text']);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
