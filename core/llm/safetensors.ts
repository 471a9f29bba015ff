/**
 * Reads tensors from a Hugging Face safetensors checkpoint (one file, or shards listed by
 * model.safetensors.index.json) one at a time, so building a graph from a multi-gigabyte
 * model never holds more than the tensor in hand.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { WukongError } from '../errors.js';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

interface Entry {
  file: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

export class Checkpoint {
  private constructor(private readonly entries: Map<string, Entry>) {}

  static open(folder: string): Checkpoint {
    const index = join(folder, 'model.safetensors.index.json');
    const files: string[] = [];
    if (existsSync(index)) {
      let map: Record<string, string>;
      try {
        map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map: Record<string, string> }).weight_map;
      } catch (err) {
        throw new WukongError('MODEL_INVALID', 'model.safetensors.index.json could not be read.', String(err));
      }
      files.push(...new Set(Object.values(map)));
    } else if (existsSync(join(folder, 'model.safetensors'))) {
      files.push('model.safetensors');
    } else {
      throw new WukongError('MODEL_INVALID', `${folder} has no model.safetensors (nor an index of shards).`);
    }
    const entries = new Map<string, Entry>();
    for (const f of files) {
      for (const [name, e] of readHeader(join(folder, f))) entries.set(name, e);
    }
    return new Checkpoint(entries);
  }

  /**
   * The same stored tensors under other names: `rename` maps each stored name to its name in the
   * view, or to undefined to leave it out (e.g. an Idefics3 folder's text decoder seen as a Llama checkpoint).
   */
  renamed(rename: (stored: string) => string | undefined): Checkpoint {
    const entries = new Map<string, Entry>();
    for (const [name, e] of this.entries) {
      const to = rename(name);
      if (to !== undefined) entries.set(to, e);
    }
    return new Checkpoint(entries);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  shape(name: string): number[] {
    return this.entry(name).shape;
  }

  /** The tensor as float32, whatever it is stored as. */
  read(name: string, expectShape?: number[]): Float32Array {
    const e = this.entry(name);
    if (expectShape && (expectShape.length !== e.shape.length || expectShape.some((d, i) => d !== e.shape[i]))) {
      throw new WukongError('MODEL_INVALID', `Tensor ${name} has shape [${e.shape}] where [${expectShape}] was expected.`);
    }
    const bytes = Buffer.allocUnsafe(e.end - e.begin);
    const fd = openSync(e.file, 'r');
    try {
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, e.begin + got);
        if (n === 0) throw new WukongError('MODEL_INVALID', `${e.file} is truncated (tensor ${name}).`);
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    return toFloat32(bytes, e.dtype);
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new WukongError('MODEL_INVALID', `The checkpoint has no tensor ${name}.`);
    return e;
  }
}

function readHeader(file: string): [string, Entry][] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new WukongError('MODEL_INVALID', `The weights file ${file} is missing.`, String(err));
  }
  try {
    const lenBuf = Buffer.alloc(8);
    if (readSync(fd, lenBuf, 0, 8, 0) !== 8) throw new Error('shorter than 8 bytes');
    const len = Number(lenBuf.readBigUInt64LE(0));
    if (len <= 0 || len > 100_000_000) throw new Error(`header length ${len}`);
    const head = Buffer.alloc(len);
    if (readSync(fd, head, 0, len, 8) !== len) throw new Error('truncated header');
    const json = JSON.parse(head.toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const out: [string, Entry][] = [];
    for (const [name, t] of Object.entries(json)) {
      if (name === '__metadata__') continue;
      if (!(t.dtype in BYTES)) {
        throw new WukongError('MODEL_INVALID', `This model is not supported: tensor ${name} is stored as ${t.dtype} (supported: F32, F16, BF16).`);
      }
      const dtype = t.dtype as SafetensorsDtype;
      const count = t.shape.reduce((a, b) => a * b, 1);
      const [b, e] = t.data_offsets;
      if (e - b !== count * BYTES[dtype]) throw new Error(`tensor ${name} has ${e - b} bytes for shape [${t.shape}]`);
      out.push([name, { file, dtype, shape: t.shape, begin: 8 + len + b, end: 8 + len + e }]);
    }
    return out;
  } catch (err) {
    if (err instanceof WukongError) throw err;
    throw new WukongError('MODEL_INVALID', `${file} is not a valid safetensors file.`, String(err));
  } finally {
    closeSync(fd);
  }
}

function toFloat32(bytes: Buffer, dtype: SafetensorsDtype): Float32Array {
  if (dtype === 'F32') {
    const out = new Float32Array(bytes.length / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const n = bytes.length / 2;
  const out = new Float32Array(n);
  if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = (bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = halfToFloat(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  return out;
}

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Round-to-nearest-even float32 -> float16 bits. */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  // A carry out of the mantissa correctly rounds up into the exponent.
  return sign | half;
}
