/** The per-document index the library stores (JSON), and how it is built. */
import { throwIfCancelled } from '../errors.js';
import type { DocumentModel, Unit } from '../model/document.js';
import { findAcronyms, type AcronymMap } from './acronyms.js';
import { buildLexicalIndex, type FieldText, type LexicalIndex } from './bm25.js';
import type { Embedder, ImageEmbedder } from './embedder.js';
import { buildItems, DEFAULT_FIELD_WEIGHTS, itemFields, itemText, unitMap, type FieldWeights, type IndexItem } from './items.js';
import { packVectors, type PackedVectors } from './vectors.js';

/** Bumped whenever the index layout or its scoring fields change: older indexes are rebuilt. */
export const INDEX_VERSION = 5;

/** What indexing a document produces and the library stores (JSON-safe). */
export interface DocumentIndex {
  version: number;
  docId: string;
  /** Which embedder made the vectors; null when the index is lexical only. */
  embedderId: string | null;
  /** Retrieval candidates in reading order; vectors and lexical item indexes refer to this order. */
  items: IndexItem[];
  lexical: LexicalIndex;
  /**
   * One lexical entry per page (all its items' text): a page that mentions the question's terms in
   * several places lends weight to each of its units, which a unit-by-unit score cannot see.
   */
  pages: LexicalIndex;
  /** Page number of each entry of `pages`. */
  pageNumbers: number[];
  /** One unit-length vector per item (base64 Float32Array), when an embedder was given. */
  vectors?: PackedVectors;
  /** Acronyms the document defines: short form -> long form, both lower case. */
  acronyms?: AcronymMap;
  /** Image vectors of figure/table items when a vision encoder was given: item index -> vector. */
  images?: { embedderId: string; items: number[]; vectors: PackedVectors };
  /** Milliseconds spent: lexical, embeddings. */
  ms: { lexical: number; embed: number };
}

export interface IndexOptions {
  /** Dense vectors are computed when given (once per document, batched by the embedder). */
  embedder?: Embedder | null;
  /**
   * Vision hook: when given with `renderItem`, figure and table items also get image vectors
   * (renderItem returns the PNG crop of a unit, e.g. core/pdf renderRegionPng at the unit's bbox).
   */
  imageEmbedder?: ImageEmbedder | null;
  renderItem?: (unit: Unit) => Promise<Uint8Array>;
  /** Field weights of the lexical index (default DEFAULT_FIELD_WEIGHTS). */
  fieldWeights?: Partial<FieldWeights>;
  signal?: AbortSignal;
  /** Progress in items embedded. */
  onProgress?: (done: number, total: number) => void;
}

/** Texts are embedded in slices so progress and cancellation are honoured on long documents. */
const EMBED_SLICE = 128;

export async function indexDocument(doc: DocumentModel, options: IndexOptions = {}): Promise<DocumentIndex> {
  const t0 = performance.now();
  const items = buildItems(doc);
  const fields = itemFields(doc, items, { ...DEFAULT_FIELD_WEIGHTS, ...options.fieldWeights });
  const lexical = buildLexicalIndex(fields);
  // Every unit's words count on its page, headings and the text inside figures included.
  const byPage = new Map<number, FieldText[]>();
  for (const u of doc.units) {
    const list = byPage.get(u.page) ?? [];
    list.push({ text: u.text, weight: 1 });
    byPage.set(u.page, list);
  }
  const pageNumbers = [...byPage.keys()].sort((a, b) => a - b);
  const pages = buildLexicalIndex(pageNumbers.map((p) => byPage.get(p)!));
  const t1 = performance.now();
  const index: DocumentIndex = {
    version: INDEX_VERSION,
    docId: doc.id,
    embedderId: null,
    items,
    lexical,
    acronyms: findAcronyms(doc.units.map((u) => u.text)),
    pages,
    pageNumbers,
    ms: { lexical: Math.round(t1 - t0), embed: 0 },
  };
  const embedder = options.embedder;
  if (embedder && items.length) {
    const texts = items.map((it) => embeddingText(doc, it));
    const vectors: Float32Array[] = [];
    options.onProgress?.(0, texts.length);
    for (let i = 0; i < texts.length; i += EMBED_SLICE) {
      throwIfCancelled(options.signal);
      vectors.push(...(await embedder.embed(texts.slice(i, i + EMBED_SLICE), options.signal)));
      options.onProgress?.(vectors.length, texts.length);
    }
    index.vectors = packVectors(vectors, embedder.dims);
    index.embedderId = embedder.id;
    index.ms.embed = Math.round(performance.now() - t1);
  }
  if (options.imageEmbedder && options.renderItem) {
    const byId = unitMap(doc);
    const figureItems = items.map((it, i) => [i, byId.get(it.unitId)] as const).filter(([, u]) => u && (u.kind === 'figure' || u.kind === 'table'));
    if (figureItems.length) {
      const pngs: Uint8Array[] = [];
      for (const [, u] of figureItems) {
        throwIfCancelled(options.signal);
        pngs.push(await options.renderItem(u!));
      }
      const vs = await options.imageEmbedder.embedImages(pngs, options.signal);
      index.images = { embedderId: options.imageEmbedder.id, items: figureItems.map(([i]) => i), vectors: packVectors(vs, options.imageEmbedder.dims) };
    }
  }
  return index;
}

/** The section title gives a short unit its topic; the embedder truncates the rest. */
export function embeddingText(doc: DocumentModel, item: IndexItem): string {
  const text = itemText(doc, item);
  const u = unitMap(doc).get(item.unitId);
  const section = u?.section.at(-1);
  return section && text.length < 200 ? `${section}. ${text}` : text;
}
