/**
 * An embedder wrapper that remembers vectors by text (sha1), persisted as one file per key, so
 * benchmarks and re-indexing after a change of unit building only embed texts never seen before.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder } from './embedder.js';

export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dims: number;
  readonly fusionWeight: number;
  private readonly inner: Embedder;
  private readonly file: string;
  private store: Map<string, Float32Array> | null = null;
  private dirty = false;

  constructor(inner: Embedder, dir: string, key: string) {
    this.inner = inner;
    this.id = inner.id;
    this.dims = inner.dims;
    this.fusionWeight = inner.fusionWeight;
    this.file = join(dir, `${inner.id.replace(/[^\w.@-]/g, '_')}-${key}.json`);
  }

  private async load(): Promise<Map<string, Float32Array>> {
    if (this.store) return this.store;
    this.store = new Map();
    try {
      const { keys, base64 } = JSON.parse(await readFile(this.file, 'utf8')) as { keys: string[]; base64: string };
      const buf = Buffer.from(base64, 'base64');
      const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      keys.forEach((k, i) => this.store!.set(k, all.slice(i * this.dims, (i + 1) * this.dims)));
    } catch {
      // No cache yet.
    }
    return this.store;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const store = await this.load();
    const keys = texts.map((t) => createHash('sha1').update(t).digest('base64'));
    const missing = [...new Set(keys.map((k, i) => (store.has(k) ? -1 : i)).filter((i) => i >= 0))];
    if (missing.length) {
      const vs = await this.inner.embed(missing.map((i) => texts[i]), signal);
      missing.forEach((i, j) => store.set(keys[i], vs[j]));
      this.dirty = true;
    }
    return keys.map((k) => store.get(k)!);
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return this.inner.embedQuery ? this.inner.embedQuery(text) : (await this.inner.embed([text]))[0];
  }

  async save(): Promise<void> {
    if (!this.dirty || !this.store) return;
    const keys = [...this.store.keys()];
    const all = new Float32Array(keys.length * this.dims);
    keys.forEach((k, i) => all.set(this.store!.get(k)!, i * this.dims));
    await mkdir(join(this.file, '..'), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify({ keys, base64: Buffer.from(all.buffer).toString('base64') }));
    await rename(tmp, this.file);
    this.dirty = false;
  }
}
