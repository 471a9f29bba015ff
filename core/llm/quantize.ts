/**
 * Block-wise weight quantisation in the layout of ONNX Runtime's com.microsoft MatMulNBits:
 * for each output row n, K is cut into blocks of `blockSize`; each block has a float scale and
 * an unsigned zero point, and q = round(w / scale) + zp in [0, 2^bits - 1].
 * Asymmetric (min/max) blocks keep more precision than symmetric ones at 4 bits.
 */

export interface QuantizedMatrix {
  bits: 4 | 8;
  blockSize: number;
  /** Input size (columns of the Hugging Face [out, in] weight). */
  K: number;
  /** Output size (rows). */
  N: number;
  blocksPerRow: number;
  /** [N, blocksPerRow, blockSize * bits / 8]. */
  data: Uint8Array;
  /** [N * blocksPerRow]. */
  scales: Float32Array;
  /** [N * ceil(blocksPerRow * bits / 8)]. */
  zeroPoints: Uint8Array;
}

/** Quantises a row-major [N, K] weight (torch Linear layout). */
export function quantizeRows(w: Float32Array, N: number, K: number, bits: 4 | 8, blockSize = 32): QuantizedMatrix {
  const blocksPerRow = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  const maxQ = (1 << bits) - 1;
  const data = new Uint8Array(N * blocksPerRow * blob);
  const scales = new Float32Array(N * blocksPerRow);
  const zpBytesPerRow = Math.ceil((blocksPerRow * bits) / 8);
  const zeroPoints = new Uint8Array(N * zpBytesPerRow);
  for (let n = 0; n < N; n++) {
    const row = n * K;
    for (let b = 0; b < blocksPerRow; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(K, k0 + blockSize);
      // The range always holds 0, so padding and exact zeros stay exact.
      let lo = 0;
      let hi = 0;
      for (let k = k0; k < k1; k++) {
        const v = w[row + k];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const scale = hi > lo ? (hi - lo) / maxQ : 1;
      const zp = Math.min(maxQ, Math.max(0, Math.round(-lo / scale)));
      const bi = n * blocksPerRow + b;
      scales[bi] = scale;
      if (bits === 8) zeroPoints[n * zpBytesPerRow + b] = zp;
      else zeroPoints[n * zpBytesPerRow + (b >> 1)] |= b & 1 ? zp << 4 : zp;
      const base = bi * blob;
      const inv = 1 / scale;
      for (let k = k0; k < k1; k++) {
        const q = Math.min(maxQ, Math.max(0, Math.round(w[row + k] * inv) + zp));
        const i = k - k0;
        if (bits === 8) data[base + i] = q;
        else data[base + (i >> 1)] |= i & 1 ? q << 4 : q;
      }
      // Padding past K quantises zeros: q = zp.
      for (let k = k1; k < k0 + blockSize; k++) {
        const i = k - k0;
        if (bits === 8) data[base + i] = zp;
        else data[base + (i >> 1)] |= i & 1 ? zp << 4 : zp;
      }
    }
  }
  return { bits, blockSize, K, N, blocksPerRow, data, scales, zeroPoints };
}

/** The float weights a quantised matrix stands for, row-major [N, K] (for error reports and tests). */
export function dequantizeRows(q: QuantizedMatrix): Float32Array {
  const out = new Float32Array(q.N * q.K);
  const blob = (q.blockSize * q.bits) / 8;
  const zpBytesPerRow = Math.ceil((q.blocksPerRow * q.bits) / 8);
  for (let n = 0; n < q.N; n++) {
    for (let k = 0; k < q.K; k++) {
      const b = Math.floor(k / q.blockSize);
      const i = k % q.blockSize;
      const bi = n * q.blocksPerRow + b;
      const byte = q.data[bi * blob + (q.bits === 8 ? i : i >> 1)];
      const v = q.bits === 8 ? byte : i & 1 ? byte >> 4 : byte & 15;
      const zb = q.zeroPoints[n * zpBytesPerRow + (q.bits === 8 ? b : b >> 1)];
      const zp = q.bits === 8 ? zb : b & 1 ? zb >> 4 : zb & 15;
      out[n * q.K + k] = (v - zp) * q.scales[bi];
    }
  }
  return out;
}
