import { describe, expect, it } from 'vitest';
import { dot, normalize } from '../../core/retrieval/embedder.js';
import { packVectors, unpackVectors } from '../../core/retrieval/vectors.js';

function randomUnit(dims: number, seed: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453 % 1;
  return normalize(v);
}

describe('packed vectors', () => {
  const vs = Array.from({ length: 20 }, (_, i) => randomUnit(384, i + 1));

  it('float32 round-trips exactly through JSON', () => {
    const p = JSON.parse(JSON.stringify(packVectors(vs, 384, 'f32')));
    const back = unpackVectors(p);
    expect(back).toHaveLength(20);
    expect(Array.from(back[7])).toEqual(Array.from(vs[7]));
  });

  it('int8 keeps cosines within 0.01 at a quarter of the size', () => {
    const f32 = packVectors(vs, 384, 'f32');
    const i8 = JSON.parse(JSON.stringify(packVectors(vs, 384)));
    expect(i8.format).toBe('i8');
    expect(i8.base64.length).toBeLessThan(f32.base64.length / 3.5);
    const back = unpackVectors(i8);
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) expect(Math.abs(dot(back[a], back[b]) - dot(vs[a], vs[b]))).toBeLessThan(0.01);
  });
});
