/** One tesseract.js worker that reads English offline: the wasm core and the trained data both come from node_modules. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Tesseract from 'tesseract.js';

const require = createRequire(import.meta.url);

/**
 * The LSTM-only ("best_int", 3 MB) English model from @tesseract.js-data/eng. A filesystem path makes
 * tesseract.js read the file instead of fetching its CDN default, so nothing is downloaded at run time.
 */
export function engLangPath(): string {
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

/** A recognised word, line and paragraph, in the rendered image's pixels. */
export type OcrPageData = Tesseract.Page;

export interface OcrEngine {
  /** Recognises a PNG; `blocks` carries paragraphs, lines and words with boxes and confidences. */
  recognize(png: Uint8Array): Promise<OcrPageData>;
  terminate(): Promise<void>;
}

export async function createOcrEngine(): Promise<OcrEngine> {
  const worker = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, {
    langPath: engLangPath(),
    gzip: true,
    // 'none': the data already sits on disk; a cache copy would only be a second file to keep in sync.
    cacheMethod: 'none',
  });
  // Tesseract prints "Image too small to scale!!" and the like for every speck it tries to read;
  // they say nothing a person can act on, so its diagnostics go to the wasm filesystem's /dev/null.
  await worker.setParameters({ debug_file: '/dev/null' });
  return {
    async recognize(png) {
      const { data } = await worker.recognize(Buffer.from(png.buffer, png.byteOffset, png.byteLength), {}, { blocks: true, text: true });
      return data;
    },
    async terminate() {
      await worker.terminate();
    },
  };
}
