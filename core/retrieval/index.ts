/**
 * The evidence sampler: picks the few units that answer a question within a token budget.
 * Lexical (fielded BM25 with proximity and feedback), dense (an Embedder) or both fused.
 */
import type { Evidence } from '../api.js';
import { retrieve, type RetrievalOptions, type ScopedDocument } from './retrieve.js';

export { indexDocument, embeddingText, INDEX_VERSION, type DocumentIndex, type IndexOptions } from './document-index.js';
export { extractiveAnswer, NOT_ANSWERABLE_TEXT, type ExtractiveOptions } from './extractive.js';
export { retrieve, type RetrievalOptions, type RetrievalResult, type ScopedDocument } from './retrieve.js';
export { evidenceContext } from './select.js';
export { approxTokenCounter, HfTokenCounter, type TokenCounter } from './budget.js';
export type { Embedder, ImageEmbedder } from './embedder.js';
export { UseEmbedder, type UseEmbedderOptions } from './use-embedder.js';
export { loadUseEmbedder, UseWorkerEmbedder } from './use-worker-embedder.js';
export { OnnxEmbedder, type OnnxEmbedderOptions, type Pooling } from './onnx-embedder.js';
export { CachedEmbedder } from './cached-embedder.js';
export { LibraryIndex, libraryScope, type LibraryHit, type LibraryIndexOptions } from './library-index.js';
export { unpackVectors, packVectors, type PackedVectors } from './vectors.js';
export { questionForRetrieval } from './question.js';

/** Evidence for a question over the documents in scope, ranked [1..k], within the token budget. */
export async function retrieveEvidence(docs: ScopedDocument[], question: string, options: RetrievalOptions = {}): Promise<Evidence[]> {
  return (await retrieve(docs, question, options)).evidence;
}
