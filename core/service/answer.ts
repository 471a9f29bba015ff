/**
 * A generated, cited answer: evidence in, the model's tokens streamed out, then the answer's
 * citations mapped to units and each sentence checked against what it cites.
 * A follow-up question in the same conversation keeps the earlier evidence (and its numbers)
 * as the prompt's prefix, so the model's cache of it is reused; evidence new to the question is
 * numbered after it.
 * With a vision-language model, the best-ranked figures and tables among the evidence (at most
 * two) also go in as images, in the question's message; their captions stay in the evidence text.
 */
import type { Answer, AskEvent, AskOptions, ChatTurn, Evidence } from '../api.js';
import { checkAnswer } from '../answer/check.js';
import { answerMessages, type PromptMessage } from '../answer/prompt.js';
import { toWukongError, WukongError } from '../errors.js';
import { extractiveAnswer } from '../retrieval/extractive.js';
import { streamProgress } from '../util/progress-stream.js';
import type { ChatMessage, ContentPart } from '../llm/chat.js';
import type { GeneratorHost } from '../llm/generator-host.js';
import type { PixelBuffer } from '../llm/vision/preprocess.js';
import { figureEvidence, type FigureCrop } from './figures.js';

export interface Conversation {
  messages: PromptMessage[];
  evidence: Evidence[];
  turns: ChatTurn[];
}

export interface AnswerContext {
  question: string;
  options: AskOptions;
  started: number;
  scopeKey: string;
  conversations: Map<string, Conversation>;
  retrieve: () => Promise<{ evidence: Evidence[]; wholePaper?: Answer['wholePaper'] }>;
  host: (onBuild: (done: number, total: number) => void) => Promise<GeneratorHost>;
  modelId: string;
  /** Prompt tokens per prefill step (the setting), if set. */
  chunk?: number;
  /** A vision-language model: crops of figure/table evidence (absent for text-only models). */
  crops?: (evidence: Evidence[]) => Promise<FigureCrop[]>;
}

/** Answers are short; a cap keeps a looping model from running for minutes. */
const MAX_ANSWER_TOKENS = 384;

export async function* answerWithModel(ctx: AnswerContext): AsyncGenerator<AskEvent> {
  const { question, options } = ctx;
  const { evidence: retrieved, wholePaper } = await ctx.retrieve();
  const history = options.history ?? [];
  const prev = ctx.conversations.get(ctx.scopeKey);
  const followUp = !wholePaper && prev && history.length > 0 && sameTurns(prev.turns, history) ? prev : undefined;
  let evidence: Evidence[];
  let messages: PromptMessage[];
  if (followUp) {
    const known = new Set(followUp.evidence.map((e) => e.unitId));
    const fresh = retrieved.filter((e) => !known.has(e.unitId)).map((e, i) => ({ ...e, rank: followUp.evidence.length + i + 1 }));
    evidence = [...followUp.evidence, ...fresh];
    const next = answerMessages(question, [], [], fresh);
    messages = [...followUp.messages, next[next.length - 1]];
  } else {
    evidence = retrieved;
    messages = answerMessages(question, retrieved, history);
  }
  // A vision model reads the chosen figures and tables as images, in this question's message.
  let images: PixelBuffer[] = [];
  let request: ChatMessage[] = messages;
  if (ctx.crops) {
    const shown = figureEvidence(evidence);
    const crops = shown.length ? await ctx.crops(shown) : [];
    if (crops.length) {
      const thumbs = new Map(crops.map((c) => [`${c.docId}\u0000${c.unitId}`, c.thumbnail]));
      evidence = evidence.map((e) => {
        const t = thumbs.get(`${e.docId}\u0000${e.unitId}`);
        return t ? { ...e, imageDataUrl: t } : e;
      });
      images = crops.map((c) => c.pixels);
      request = withImages(messages, crops.map((c) => evidence.find((e) => e.docId === c.docId && e.unitId === c.unitId)!));
    }
  }
  yield { type: 'evidence', evidence };
  if (options.signal?.aborted) throw new WukongError('CANCELLED');

  let host: GeneratorHost;
  try {
    host = yield* streamProgress<AskEvent, GeneratorHost>((report) =>
      ctx.host((done, total) => report({ type: 'progress', message: `Preparing the language model (${done} of ${total})`, done, total })),
    );
  } catch (err) {
    const e = toWukongError(err);
    if (e.code === 'CANCELLED') throw e;
    // A model that cannot be loaded (damaged files, too little memory) must not leave the question unanswered.
    const answer = extractiveAnswer(question, evidence);
    answer.notice = `The language model ${ctx.modelId} could not be used (${e.message}), so the answer quotes the evidence instead.`;
    answer.ms = Math.round(performance.now() - ctx.started);
    yield { type: 'token', text: answer.text };
    yield { type: 'done', answer };
    return;
  }
  let text = '';
  let stats;
  for await (const e of host.generate({ messages: request, images, maxTokens: MAX_ANSWER_TOKENS, snapshotMessages: 1, chunk: ctx.chunk }, options.signal)) {
    if (e.type === 'token') {
      text += e.text;
      yield { type: 'token', text: e.text };
    } else {
      text = e.result.text;
      if (e.result.stopReason === 'cancelled') throw new WukongError('CANCELLED');
      stats = {
        promptTokens: e.result.promptTokens,
        reusedTokens: e.result.reusedTokens,
        generatedTokens: e.result.ids.length,
        ttftMs: e.result.ttftMs,
        decodeTps: e.result.decodeTps,
        kvBytes: e.result.kvBytes,
        ...(e.result.images !== undefined ? { images: e.result.images } : {}),
      };
    }
  }
  const checked = checkAnswer(text, evidence);
  ctx.conversations.set(ctx.scopeKey, {
    messages: [...messages, { role: 'assistant', content: text }],
    evidence,
    turns: [...(followUp ? followUp.turns : history), { role: 'user', text: question }, { role: 'assistant', text }],
  });
  yield {
    type: 'done',
    answer: {
      text,
      mode: 'generated',
      answerable: checked.answerable,
      citations: checked.answerable ? checked.citations : [],
      claims: checked.answerable ? checked.claims : [],
      model: ctx.modelId,
      stats,
      wholePaper,
      ms: Math.round(performance.now() - ctx.started),
    },
  };
}

/**
 * The question's message with the figures' images first, then a line saying which evidence each
 * image is (by its number and label), then the question: SmolVLM's template takes the content as
 * a list of parts. The conversation kept for follow-ups holds the text-only messages.
 */
function withImages(messages: PromptMessage[], shown: Evidence[]): ChatMessage[] {
  const last = messages[messages.length - 1];
  const names = shown.map((e) => `[${e.rank}]${e.label ? ` (${e.label})` : ''}`);
  const which = `The image${shown.length > 1 ? 's show' : ' shows'} ${names.join(' and ')}${shown.length > 1 ? ', in that order' : ''}.`;
  const content: ContentPart[] = [...shown.map((): ContentPart => ({ type: 'image' })), { type: 'text', text: `${which}\n\n${last.content}` }];
  return [...messages.slice(0, -1), { role: last.role, content }];
}

function sameTurns(a: ChatTurn[], b: ChatTurn[]): boolean {
  return a.length === b.length && a.every((t, i) => t.role === b[i].role && t.text.trim() === b[i].text.trim());
}
