/**
 * Token counting for the evidence budget. The budget is what the generator reads, so it is counted
 * with the generator's own tokenizer when one is installed (HfTokenCounter), else approximated.
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';

export interface TokenCounter {
  readonly id: string;
  count(text: string): number;
}

/**
 * ~4 characters a token for English prose with BPE vocabularies, but never fewer tokens than
 * words plus punctuation marks, which dominate in tables and numbers.
 */
export const approxTokenCounter: TokenCounter = {
  id: 'approx',
  count(text: string): number {
    if (!text) return 0;
    const pieces = text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
    return Math.max(pieces, Math.ceil(text.length / 4));
  },
};

export class HfTokenCounter implements TokenCounter {
  readonly id: string;
  private readonly tokenizer: Tokenizer;

  constructor(tokenizer: Tokenizer, id = 'hf') {
    this.tokenizer = tokenizer;
    this.id = id;
  }

  /** Loads tokenizer.json (and tokenizer_config.json beside it when present). */
  static async fromFile(tokenizerJsonPath: string, id?: string): Promise<HfTokenCounter> {
    const json = JSON.parse(await readFile(tokenizerJsonPath, 'utf8')) as object;
    let config: object = {};
    try {
      config = JSON.parse(await readFile(tokenizerJsonPath.replace(/tokenizer\.json$/, 'tokenizer_config.json'), 'utf8')) as object;
    } catch {
      // tokenizer_config.json is optional: it only adds special-token settings.
    }
    return new HfTokenCounter(new Tokenizer(json, config), id ?? tokenizerJsonPath);
  }

  count(text: string): number {
    if (!text) return 0;
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids.length;
  }
}
