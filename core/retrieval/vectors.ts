/**
 * Vectors travel in the JSON index as base64. Default: int8 with one scale per vector (a quarter of
 * float32's size; cosine changes by ~1e-3, far below any ranking gap), or float32 when asked.
 */
export interface PackedVectors {
  dims: number;
  count: number;
  /** 'i8': int8 values times scales[i]; 'f32' (or absent): little-endian float32. */
  format?: 'f32' | 'i8';
  scales?: number[];
  base64: string;
}

export function packVectors(vectors: Float32Array[], dims: number, format: 'f32' | 'i8' = 'i8'): PackedVectors {
  if (format === 'f32') {
    const all = new Float32Array(vectors.length * dims);
    vectors.forEach((v, i) => all.set(v.subarray(0, dims), i * dims));
    return { dims, count: vectors.length, format, base64: Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString('base64') };
  }
  const all = new Int8Array(vectors.length * dims);
  const scales: number[] = [];
  vectors.forEach((v, i) => {
    let max = 0;
    for (let k = 0; k < dims; k++) max = Math.max(max, Math.abs(v[k]));
    const scale = max > 0 ? max / 127 : 1;
    scales.push(Number(scale.toPrecision(7)));
    for (let k = 0; k < dims; k++) all[i * dims + k] = Math.round(v[k] / scale);
  });
  return { dims, count: vectors.length, format, scales, base64: Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString('base64') };
}

const unpacked = new WeakMap<PackedVectors, Float32Array[]>();

/** Float32 vectors (cached per packed object, so a loaded index decodes once). */
export function unpackVectors(p: PackedVectors): Float32Array[] {
  let out = unpacked.get(p);
  if (out) return out;
  const buf = Buffer.from(p.base64, 'base64');
  out = [];
  if (p.format === 'i8') {
    const all = new Int8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < p.count; i++) {
      const v = new Float32Array(p.dims);
      const s = p.scales?.[i] ?? 1;
      for (let k = 0; k < p.dims; k++) v[k] = all[i * p.dims + k] * s;
      out.push(v);
    }
  } else {
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    for (let i = 0; i < p.count; i++) out.push(all.subarray(i * p.dims, (i + 1) * p.dims));
  }
  unpacked.set(p, out);
  return out;
}
