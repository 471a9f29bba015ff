/**
 * Answers with a vision-language model (Idefics3 / SmolVLM): the conversation is laid out by the
 * model's chat template (a user message's `{type: 'image'}` parts become `<image>`), each image
 * marker is expanded to the processor's layout for that image's tiles, the images are encoded,
 * and the shared generation loop (generation.ts) runs over the model's decoder.
 *
 * Prompt states are reused only while they hold no image token: two prompts with the same ids
 * but different images have the same ids, so a state that has read an image must never be
 * continued by another prompt.
 */
import { join } from 'node:path';
import { WukongError } from '../../errors.js';
import { ChatTokenizer, type ChatMessage } from '../chat.js';
import type { CacheState, StepResult } from '../decoder-session.js';
import type { DuoPattern } from '../duo-pattern.js';
import { PromptCache, runGeneration, sharedPrefix, type GenerateEvent, type GenerateRequest, type GenerationBackend } from '../generation.js';
import { readGenerationConfig } from '../local-model.js';
import type { SamplingOptions } from '../sampling.js';
import { IMAGE_TOKEN, expandImageTokens, type ProcessedImage } from './preprocess.js';
import { VisionLanguageModel, type VisionLoadOptions } from './vision-model.js';

/** Longest edge an image is processed at by default: one tile of max_image_size (SmolVLM: 512), plus nothing else. */
export const DEFAULT_LONGEST_EDGE = 512;

export class VisionGenerator {
  private readonly cache: PromptCache;

  private constructor(
    readonly id: string,
    readonly model: VisionLanguageModel,
    readonly tokenizer: ChatTokenizer,
    private readonly defaults: SamplingOptions & { maxTokens?: number },
  ) {
    const imageId = model.config.imageTokenId;
    this.cache = new PromptCache(model.decoder, (s) => !s.ids.includes(imageId));
    for (const t of [IMAGE_TOKEN, '<fake_token_around_image>', '<global-img>']) {
      if (tokenizer.tokenizer.token_to_id(t) === undefined) throw new WukongError('MODEL_INVALID', `The vision model's tokenizer has no ${t} token.`);
    }
    if (tokenizer.tokenizer.token_to_id(IMAGE_TOKEN) !== imageId) {
      throw new WukongError('MODEL_INVALID', `The tokenizer's ${IMAGE_TOKEN} is not the config's image_token_id ${imageId}.`);
    }
  }

  static async load(folder: string, id: string, o: VisionLoadOptions = {}): Promise<VisionGenerator> {
    const model = await VisionLanguageModel.load(folder, { cacheDir: join(folder, 'onnx'), ...o });
    try {
      const tokenizer = ChatTokenizer.load(folder, model.config.text.eosTokenIds);
      return new VisionGenerator(id, model, tokenizer, readGenerationConfig(folder));
    } catch (err) {
      await model.close();
      throw err;
    }
  }

  get buildMs(): number {
    return this.model.buildMs;
  }

  get pattern(): DuoPattern {
    return this.model.decoder.pattern;
  }

  /** The longest edge images are processed at unless a request says otherwise. */
  get longestEdge(): number {
    return Math.min(DEFAULT_LONGEST_EDGE, this.model.processor.maxImageSize);
  }

  async *generate(req: GenerateRequest, shouldStop: () => boolean = () => false): AsyncGenerator<GenerateEvent> {
    const images = req.images ?? [];
    const messages: ChatMessage[] | undefined = req.messages;
    if (req.ids && images.length) throw new WukongError('BAD_REQUEST', 'Images go with messages, not raw token ids.');
    let processed: ProcessedImage[] = [];
    let prompt: number[] | undefined = req.ids;
    if (!prompt && messages) {
      const text = this.tokenizer.render(messages);
      if (text.split(IMAGE_TOKEN).length - 1 !== images.length) {
        throw new WukongError('BAD_REQUEST', `The messages place ${text.split(IMAGE_TOKEN).length - 1} images, but ${images.length} were given.`);
      }
      const longestEdge = req.longestEdge ?? this.longestEdge;
      processed = images.map((img) => this.model.preprocess(img, { longestEdge }));
      prompt = this.tokenizer.encode(expandImageTokens(text, processed, this.model.config.imageSeqLen));
    }
    if (!prompt?.length) throw new WukongError('BAD_REQUEST', 'Generation needs a prompt (text or token ids).');
    const chunk = req.chunk ?? 512;
    const snapshotAt = messages && req.snapshotMessages ? sharedPrefix(this.tokenizer, prompt, messages.slice(0, req.snapshotMessages)) : 0;
    const imageId = this.model.config.imageTokenId;
    const H = this.model.config.text.hiddenSize;
    const backend: GenerationBackend = {
      tokenizer: this.tokenizer,
      vocab: this.model.config.text.vocabSize,
      defaults: this.defaults,
      prefill: async (p, stop) => {
        // Encoding the images counts in the time to the first token.
        const features: Float32Array[] = [];
        for (const img of processed) {
          if (stop()) throw new WukongError('CANCELLED');
          features.push(await this.model.encode(img));
        }
        let next = 0;
        const read = async (state: CacheState, ids: readonly number[]): Promise<StepResult> => {
          // The images whose tokens this piece of the prompt holds, in order.
          let slots = ids.reduce((n, id) => n + (id === imageId ? 1 : 0), 0);
          const mine: Float32Array[] = [];
          while (slots > 0 && next < features.length) {
            mine.push(features[next]);
            slots -= features[next++].length / H;
          }
          return (await this.model.prefill(state, ids, mine, chunk, stop)).last;
        };
        return this.cache.prefill(p, snapshotAt, read);
      },
      step: (state, id) => this.model.step(state, id),
      kvBytes: (state) => this.model.decoder.kvBytes(state),
      finish: (state) => this.cache.remember(state),
    };
    yield* runGeneration(backend, prompt, req, shouldStop, { images: images.length });
  }

  reset(): void {
    this.cache.reset();
  }

  async close(): Promise<void> {
    this.cache.reset();
    await this.model.close();
  }
}
