/**
 * The quantised layout is the one ONNX Runtime's MatMulNBits reads: a one-node graph over a
 * quantised matrix gives x times the dequantised weights, and dequantising stays close to the
 * original weights.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { DT, GraphWriter } from '../../core/llm/onnx/graph.js';
import { dequantizeRows, quantizeRows } from '../../core/llm/quantize.js';

const tmp = mkdtempSync(join(tmpdir(), 'wukong-q-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function random(n: number, seed: number): Float32Array {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 2 - 1;
  }
  return out;
}

describe.each([4, 8] as const)('%i-bit MatMulNBits', (bits) => {
  for (const K of [64, 80]) {
    it(`K=${K}: ONNX Runtime computes x times the dequantised weights`, async () => {
      const N = 24;
      const w = random(N * K, 7 + K);
      const q = quantizeRows(w, N, K, bits);
      const deq = dequantizeRows(q);
      // Dequantised weights are within half a step of the originals.
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < K; k++) {
          const step = q.scales[n * q.blocksPerRow + Math.floor(k / 32)];
          expect(Math.abs(deq[n * K + k] - w[n * K + k])).toBeLessThanOrEqual(step / 2 + 1e-6);
        }
      }
      const path = join(tmp, `m${bits}-${K}.onnx`);
      const g = new GraphWriter(`${path}.data`);
      g.input('x', DT.FLOAT, [1, 3, K]);
      const B = g.initializer('B', DT.UINT8, [N, q.blocksPerRow, (32 * bits) / 8], q.data);
      const S = g.initializer('S', DT.FLOAT, [N * q.blocksPerRow], q.scales);
      const Z = g.initializer('Z', DT.UINT8, [q.zeroPoints.length], q.zeroPoints);
      g.node('MatMulNBits', ['x', B, S, Z], { outputs: ['y'], attrs: { K, N, bits, block_size: 32, accuracy_level: 0 }, domain: 'com.microsoft' });
      g.output('y', DT.FLOAT, [1, 3, N]);
      writeFileSync(path, g.finish({ opset: 17, msOpset: 1, producer: 'test' }));
      const session = await ort.InferenceSession.create(path);
      const x = random(3 * K, 99);
      const y = (await session.run({ x: new ort.Tensor('float32', x, [1, 3, K]) })).y.data as Float32Array;
      for (let t = 0; t < 3; t++) {
        for (let n = 0; n < N; n++) {
          let want = 0;
          for (let k = 0; k < K; k++) want += x[t * K + k] * deq[n * K + k];
          expect(Math.abs(y[t * N + n] - want)).toBeLessThan(1e-3);
        }
      }
      await session.release();
    });
  }
});
