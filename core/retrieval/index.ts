/**
 * The evidence sampler: picks the few units that answer a question within a token budget.
 * Implemented by issue 4; until then retrieval reports NOT_IMPLEMENTED.
 */
import type { Answer, Evidence, RetrieveOptions } from '../api.js';
import { WukongError } from '../errors.js';
import type { DocumentModel } from '../model/document.js';

/** What indexing a document produces and the library stores (JSON-safe). */
export interface DocumentIndex {
  docId: string;
  /** Which embedder made the vectors; null when the index is lexical only. */
  embedderId: string | null;
}

export interface IndexOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function indexDocument(doc: DocumentModel, options: IndexOptions = {}): Promise<DocumentIndex> {
  void options;
  return { docId: doc.id, embedderId: null };
}

export async function retrieveEvidence(
  docs: { doc: DocumentModel; index: DocumentIndex }[],
  question: string,
  options: RetrieveOptions = {},
): Promise<Evidence[]> {
  void docs;
  void question;
  void options;
  throw new WukongError('NOT_IMPLEMENTED', 'Evidence retrieval is not available in this version yet.');
}

/** An answer made only of quoted evidence sentences, cited: what `ask --no-model` gives. */
export function extractiveAnswer(question: string, evidence: Evidence[]): Answer {
  void question;
  void evidence;
  throw new WukongError('NOT_IMPLEMENTED', 'Extractive answers are not available in this version yet.');
}
