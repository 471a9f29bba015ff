/**
 * The model's own tokenizer and chat template (tokenizer.json + tokenizer_config.json), so the
 * prompt is laid out exactly as the model was trained to read it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { WukongError } from '../errors.js';

/** A part of a message's content: text, or the place of an image (vision models). */
export type ContentPart = { type: 'text'; text: string } | { type: 'image' };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

/** The text of a message's content, images left out. */
export function contentText(content: ChatMessage['content']): string {
  return typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

interface TokenizerConfig {
  chat_template?: string | { name: string; template: string }[];
  bos_token?: string | { content: string };
  eos_token?: string | { content: string };
}

export class ChatTokenizer {
  private readonly template?: Template;
  /** The template reads message content as a list of typed parts (SmolVLM / Idefics3 templates). */
  private readonly contentLists: boolean;
  /** Tokens that end an answer: the config's EOS ids plus the template's end-of-turn token. */
  readonly stopIds: Set<number>;

  private constructor(
    readonly tokenizer: Tokenizer,
    private readonly config: TokenizerConfig,
    eosIds: number[],
  ) {
    const t = config.chat_template;
    const source = typeof t === 'string' ? t : t?.find((x) => x.name === 'default')?.template ?? t?.[0]?.template;
    if (source) {
      try {
        this.template = new Template(source);
      } catch (err) {
        throw new WukongError('MODEL_INVALID', "The model's chat template could not be read.", String(err));
      }
    }
    this.contentLists = Boolean(source && /\[\s*['"]type['"]\s*\]|\.type\b/.test(source));
    this.stopIds = new Set(eosIds);
    const eos = tokenText(config.eos_token);
    const eosId = eos ? tokenizer.token_to_id(eos) : undefined;
    if (eosId !== undefined) this.stopIds.add(eosId);
    for (const end of ['<|im_end|>', '<|eot_id|>', '<|end_of_text|>', '<end_of_utterance>']) {
      const id = tokenizer.token_to_id(end);
      if (id !== undefined && this.template && source?.includes(end)) this.stopIds.add(id);
    }
  }

  static load(folder: string, eosIds: number[] = []): ChatTokenizer {
    let json: object;
    try {
      json = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')) as object;
    } catch (err) {
      throw new WukongError('MODEL_INVALID', `${folder} has no readable tokenizer.json.`, String(err));
    }
    let config: TokenizerConfig = {};
    try {
      config = JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8')) as TokenizerConfig;
    } catch {
      // Without tokenizer_config.json there is no chat template: prompts are fed as plain text.
    }
    return new ChatTokenizer(new Tokenizer(json, config), config, eosIds);
  }

  get hasTemplate(): boolean {
    return Boolean(this.template);
  }

  /**
   * The templated conversation, ending with the assistant's turn opened. Content given as a list
   * of parts goes to a template that reads lists as it is (each image part becomes the template's
   * `<image>`); plain text content goes to such a template as one text part. A template that reads
   * plain strings gets the parts' text (a text-only model has no use for image parts).
   */
  render(messages: ChatMessage[], addGenerationPrompt = true): string {
    if (!this.template) {
      const body = messages.map((m) => `${m.role === 'user' ? 'Question' : m.role === 'assistant' ? 'Answer' : 'Instructions'}: ${contentText(m.content)}\n`).join('');
      return addGenerationPrompt ? `${body}Answer:` : body;
    }
    const lists = this.contentLists;
    return this.template.render({
      messages: messages.map((m) => ({
        role: m.role,
        content: lists ? (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content) : contentText(m.content),
      })),
      add_generation_prompt: addGenerationPrompt,
      // Qwen3: answer directly; a hidden reasoning block would spend the token budget.
      enable_thinking: false,
      bos_token: tokenText(this.config.bos_token) ?? '',
      eos_token: tokenText(this.config.eos_token) ?? '',
    });
  }

  /** Token ids of a rendered prompt: the template already holds every special token. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  encodeChat(messages: ChatMessage[]): number[] {
    return this.encode(this.render(messages));
  }

  decode(ids: number[]): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: true });
  }
}

function tokenText(t: TokenizerConfig['bos_token']): string | undefined {
  return typeof t === 'string' ? t : t?.content;
}
