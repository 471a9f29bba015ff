/**
 * A text embedder. Implementations: the built-in Universal Sentence Encoder lite (use-embedder.ts)
 * and sentence-transformers ONNX folders (onnx-embedder.ts).
 */
export interface Embedder {
  /** Stable id of the model: vectors are only compared with vectors of the same id. */
  readonly id: string;
  readonly dims: number;
  /**
   * The weight of the dense score in hybrid fusion: small for a weak embedder, larger for a strong
   * one, because a weak embedder's ranking mostly adds noise to BM25's.
   */
  readonly fusionWeight: number;
  /** Unit-length vectors, one per text, in order. Batching is the embedder's business. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Question vectors; defaults to embed() where the model has no separate query form. */
  embedQuery?(text: string): Promise<Float32Array>;
  close?(): Promise<void>;
}

/**
 * Hook for image embeddings of figure crops when a vision encoder is installed: the service renders
 * the crop (core/pdf renderRegionPng) and passes the PNG; vectors must share the text space.
 */
export interface ImageEmbedder {
  readonly id: string;
  readonly dims: number;
  /** Weight of the image score added to figure and table items (e.g. 0.3). */
  readonly fusionWeight: number;
  embedImages(pngs: Uint8Array[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** The question in the image space (CLIP's text tower), unit length. */
  embedQuery(text: string): Promise<Float32Array>;
}

export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
