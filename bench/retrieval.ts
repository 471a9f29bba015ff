/**
 * `npm run bench -- retrieval [--sets a,b] [--retrievers bm25,dense,hybrid] [--limit n] [--no-dense]`
 *
 * Figures for the evidence sampler on ../shared/eval sets (page recall@k, passage hit@k, tokens, ms)
 * for the three retrievers side by side, plus indexing time of ../shared/corpus/lme4_lmer.pdf and
 * retrieval time on it. Parsed documents and embeddings are cached under .wukong/bench-cache.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RetrieverKind } from '../core/api.js';
import { evaluateSet, loadQuestionSet, summarize, type Summary } from '../core/eval/index.js';
import { fallbackParse } from '../core/eval/fallback-parse.js';
import { WukongError } from '../core/errors.js';
import type { DocumentModel } from '../core/model/document.js';
import { parsePdfWithOcr } from '../core/ocr/index.js';
import { parsePdf } from '../core/pdf/index.js';
import { CachedEmbedder } from '../core/retrieval/cached-embedder.js';
import { indexDocument, retrieve } from '../core/retrieval/index.js';
import type { Embedder } from '../core/retrieval/embedder.js';
import { UseEmbedder } from '../core/retrieval/use-embedder.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = join(root, '..', 'shared');
const cacheDir = join(root, '.wukong', 'bench-cache');

/** Generic questions about lme4 (timing only: no gold). */
const LME4_QUESTIONS = [
  'How are the random-effects terms specified in the model formula?',
  'What does the penalized least squares problem minimize?',
  'How is the profiled deviance computed?',
  'Which optimizers can be used to fit the model?',
  'What is the relative covariance factor Lambda?',
  'How does REML differ from maximum likelihood here?',
  'What does Figure 1 show about the sleepstudy data?',
  'How are confidence intervals on the parameters obtained?',
  'What is the sparse Cholesky factor used for?',
  'How is the conditional mode of the random effects found?',
];

interface Args {
  sets: string[];
  retrievers: RetrieverKind[];
  limit: number;
  /** Evidence items fed (default: the sampler's). */
  k?: number;
  dense: boolean;
  /** Tuning knobs as JSON: {"lexical":{...},"fields":{...},"alpha":0.3,"fusion":"rrf","mmrLambda":0.8} */
  tune: { lexical?: Record<string, number>; fields?: Record<string, number>; alpha?: number; fusion?: 'convex' | 'rrf'; mmrLambda?: number; samePage?: number; bm25?: { k1: number; b: number }; keepInstructions?: boolean; kindPrior?: Record<string, number> };
}

function parseArgs(args: string[]): Args {
  const get = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return {
    sets: (get('sets') ?? 'mmlb-dev,litqa2-dev,qasper-mini').split(','),
    retrievers: (get('retrievers') ?? 'bm25,dense,hybrid').split(',') as RetrieverKind[],
    limit: Number(get('limit') ?? Infinity),
    k: get('k') === undefined ? undefined : Number(get('k')),
    dense: !args.includes('--no-dense'),
    tune: JSON.parse(get('tune') ?? '{}') as Args['tune'],
  };
}

type Parser = (path: string) => Promise<DocumentModel>;

/** The real parser when it works, else the evaluation fallback (reported in the figures). */
async function pickParser(): Promise<{ parse: Parser; name: string }> {
  try {
    const bytes = new Uint8Array(await readFile(join(shared, 'corpus', 'lme4_lmer.pdf')));
    const d = await parsePdf(bytes, 'lme4_lmer.pdf');
    // Scanned pages are read with OCR exactly as the service does, so their questions can be answered.
    const parse: Parser = async (p) => parsePdfWithOcr(new Uint8Array(await readFile(p)), p.split('/').pop()!);
    // The parser's (and OCR's) compiled code is part of the cache key: a changed parser re-parses, same version or not.
    const code = `${await codeHash(join(root, 'dist', 'core', 'pdf'))}-ocr${await codeHash(join(root, 'dist', 'core', 'ocr'))}`;
    return { parse, name: `${d.parser.name}-${d.parser.version}-${code}` };
  } catch (err) {
    if (!(err instanceof WukongError && err.code === 'NOT_IMPLEMENTED')) throw err;
    return { parse: fallbackParse, name: 'eval-fallback-1' };
  }
}

async function codeHash(dir: string): Promise<string> {
  const h = createHash('sha256');
  const files = existsSync(dir) ? (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.js')).sort() : [];
  for (const f of files) h.update(f).update(await readFile(join(dir, f)));
  return h.digest('hex').slice(0, 10);
}

async function cachedDoc(path: string, parser: { parse: Parser; name: string }): Promise<DocumentModel> {
  const bytes = await readFile(path);
  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const file = join(cacheDir, 'docs', `${sha}-${parser.name.replace(/[^\w.+-]/g, '_')}.json`);
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as DocumentModel;
  const doc = await parser.parse(path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(doc));
  await rename(`${file}.tmp`, file);
  return doc;
}

function brief(s: Summary): Record<string, unknown> {
  return {
    n: s.counted,
    pageRecall: s.pageRecall,
    passageHit: s.passageHit ?? undefined,
    fedCoverage: s.fedCoverage ?? undefined,
    unbudgeted: s.unbudgeted,
    passageQuestions: s.passageQuestions || undefined,
    byGroup: s.byGroup,
    goldWithoutText: s.goldWithoutText || undefined,
    pageRecall5WithText: s.goldWithoutText ? s.pageRecall5WithText : undefined,
    meanTokens: s.meanTokens,
    maxTokens: s.maxTokens,
    citationLines: s.citationLines,
    quoteHit: s.quoteHit.n ? s.quoteHit : undefined,
    meanMs: s.meanMs,
    p95Ms: s.p95Ms,
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const a = parseArgs(args);
  const figures: Record<string, unknown> = {};
  const parser = await pickParser();
  figures.parser = parser.name;
  const embedder: Embedder | null = a.dense ? await UseEmbedder.load() : null;
  figures.embedder = embedder?.id ?? null;

  for (const name of a.sets) {
    const dir = join(shared, 'eval', name);
    if (!existsSync(dir)) continue;
    const set = await loadQuestionSet(dir);
    if (Number.isFinite(a.limit)) set.questions = set.questions.slice(0, a.limit);
    const indexes = new Map<string, Promise<{ doc: DocumentModel; index: Awaited<ReturnType<typeof indexDocument>> }>>();
    const parse = (path: string) => {
      let p = indexes.get(path);
      if (!p) {
        p = (async () => {
          const doc = await cachedDoc(path, parser);
          let emb: CachedEmbedder | null = null;
          if (embedder) emb = new CachedEmbedder(embedder, join(cacheDir, 'vectors'), doc.id.slice(0, 16));
          const index = await indexDocument(doc, { embedder: emb, fieldWeights: a.tune.fields });
          await emb?.save();
          return { doc, index };
        })();
        indexes.set(path, p);
      }
      return p;
    };
    const perRetriever: Record<string, unknown> = {};
    for (const retriever of a.retrievers) {
      if (retriever !== 'bm25' && !embedder) continue;
      const t0 = performance.now();
      const results = await evaluateSet(set, {
        retriever,
        k: a.k,
        parse,
        retrieval: { embedder, lexical: a.tune.lexical, alpha: a.tune.alpha, fusion: a.tune.fusion, mmrLambda: a.tune.mmrLambda, samePageSimilarity: a.tune.samePage, bm25: a.tune.bm25, keepInstructions: a.tune.keepInstructions, kindPrior: a.tune.kindPrior },
        onQuestion: (_r, done, total) => {
          if (done % 50 === 0 || done === total) process.stderr.write(`  ${name} ${retriever}: ${done}/${total}\n`);
        },
      });
      perRetriever[retriever] = { ...brief(summarize(results)), seconds: Math.round((performance.now() - t0) / 1000) };
    }
    figures[name] = perRetriever;
  }

  // Indexing and retrieval time on a 51-page paper, from scratch (no caches).
  const lme4 = join(shared, 'corpus', 'lme4_lmer.pdf');
  if (existsSync(lme4)) {
    const t0 = performance.now();
    const doc = await parser.parse(lme4);
    const t1 = performance.now();
    const index = await indexDocument(doc, { embedder });
    const t2 = performance.now();
    const timing: Record<string, unknown> = {
      pages: doc.pageCount,
      units: doc.units.length,
      items: index.items.length,
      parseMs: Math.round(t1 - t0),
      lexicalMs: index.ms.lexical,
      embedMs: index.ms.embed,
      indexingMs: Math.round(t2 - t0),
      indexJsonBytes: JSON.stringify(index).length,
    };
    for (const retriever of ['bm25', 'hybrid'] as RetrieverKind[]) {
      if (retriever === 'hybrid' && !embedder) continue;
      const ms: number[] = [];
      for (const q of LME4_QUESTIONS) {
        const s = performance.now();
        await retrieve([{ doc, index }], q, { retriever, embedder });
        ms.push(performance.now() - s);
      }
      const cold = ms;
      timing[`${retriever}RetrievalMs`] = { mean: round(cold.reduce((x, y) => x + y, 0) / cold.length), max: round(Math.max(...cold)) };
      // Again with each question's vector already made: the sampler's own time, embedding excluded.
      const warm: number[] = [];
      for (const q of LME4_QUESTIONS) {
        const s = performance.now();
        await retrieve([{ doc, index }], q, { retriever, embedder });
        warm.push(performance.now() - s);
      }
      timing[`${retriever}RetrievalMsNoEmbedding`] = { mean: round(warm.reduce((x, y) => x + y, 0) / warm.length), max: round(Math.max(...warm)) };
    }
    figures.lme4 = timing;
  }
  return figures;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
