/** Vectors travel in the JSON index as base64 of one little-endian Float32Array (4 bytes a value, no text blow-up). */
export interface PackedVectors {
  dims: number;
  count: number;
  base64: string;
}

export function packVectors(vectors: Float32Array[], dims: number): PackedVectors {
  const all = new Float32Array(vectors.length * dims);
  vectors.forEach((v, i) => all.set(v.subarray(0, dims), i * dims));
  return { dims, count: vectors.length, base64: Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString('base64') };
}

const unpacked = new WeakMap<PackedVectors, Float32Array[]>();

export function unpackVectors(p: PackedVectors): Float32Array[] {
  let out = unpacked.get(p);
  if (out) return out;
  const buf = Buffer.from(p.base64, 'base64');
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  out = [];
  for (let i = 0; i < p.count; i++) out.push(all.subarray(i * p.dims, (i + 1) * p.dims));
  unpacked.set(p, out);
  return out;
}
