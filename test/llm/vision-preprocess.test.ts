/**
 * Idefics3 image preprocessing against pixel values computed independently: fixtures/idefics3-pixels.json
 * was written by fixtures/idefics3-pixels.py, which follows transformers' Idefics3ImageProcessor step by
 * step with Pillow and numpy. Resizes must be byte-exact (Pillow's LANCZOS), pixel values equal in float32.
 * Plus the processor's prompt layout, written out by hand from processing_idefics3.py.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageProcessorConfig } from '../../core/llm/vision/config.js';
import { expandImageTokens, imagePromptText, preprocessImage, resizeLanczos, toRgb } from '../../core/llm/vision/preprocess.js';

interface Fixture {
  cases: { name: string; width: number; height: number; config: { longest_edge: number; max_image_size: number; rescale_factor: number; mean: number[]; std: number[] }; rows: number; cols: number; shape: number[]; pixels: string }[];
  resizes: { from: [number, number]; to: [number, number]; rgb: string }[];
  composite: { width: number; height: number; rgb: string };
}

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'idefics3-pixels.json'), 'utf8')) as Fixture;

function bytes(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function floats(b64: string): Float32Array {
  const b = bytes(b64);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

/** The script's image: channel c of (x, y) is (37x + 91y + 53c + 7xy) mod 256; alpha opaque or (29x + 13y) mod 256. */
function fixedImage(w: number, h: number, alpha: boolean): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) out[(y * w + x) * 4 + c] = (x * 37 + y * 91 + c * 53 + x * y * 7) % 256;
      out[(y * w + x) * 4 + 3] = alpha ? (x * 29 + y * 13) % 256 : 255;
    }
  }
  return out;
}

function rgbOf(rgba: Uint8Array): Uint8Array {
  return rgba.filter((_, i) => i % 4 !== 3);
}

describe('Idefics3 image preprocessing', () => {
  it.each(fixture.resizes)('LANCZOS resize $from -> $to is byte-exact with Pillow', ({ from, to, rgb }) => {
    const img = { width: from[0], height: from[1], data: rgbOf(fixedImage(from[0], from[1], false)) };
    const out = resizeLanczos(img, to[0], to[1]);
    expect(out.width).toBe(to[0]);
    expect(out.height).toBe(to[1]);
    expect(Buffer.from(out.data).equals(Buffer.from(bytes(rgb)))).toBe(true);
  });

  it('composites RGBA over white as Pillow does', () => {
    const { width, height, rgb } = fixture.composite;
    const out = toRgb({ width, height, data: fixedImage(width, height, true), channels: 4 });
    expect([...out.data]).toEqual([...bytes(rgb)]);
  });

  it.each(fixture.cases)('$name: tiles, global image and normalised pixels equal the processor', (c) => {
    const cfg = parseImageProcessorConfig({
      image_processor_type: 'Idefics3ImageProcessor',
      size: { longest_edge: c.config.longest_edge },
      max_image_size: { longest_edge: c.config.max_image_size },
      rescale_factor: c.config.rescale_factor,
      image_mean: c.config.mean,
      image_std: c.config.std,
      resample: 1,
    });
    const out = preprocessImage({ width: c.width, height: c.height, data: fixedImage(c.width, c.height, false), channels: 4 }, cfg, c.config.max_image_size);
    expect([out.count, 3, out.side, out.side]).toEqual(c.shape);
    expect([out.rows, out.cols]).toEqual([c.rows, c.cols]);
    const want = floats(c.pixels);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - out.pixels[i]));
    expect(worst).toBe(0);
  });

  it('refuses frames the vision tower cannot read', () => {
    const cfg = parseImageProcessorConfig({ size: { longest_edge: 32 }, max_image_size: { longest_edge: 16 } });
    expect(() => preprocessImage({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3), channels: 3 }, cfg, 32)).toThrow(/16x16 frames/);
  });

  it('lays out the prompt as Idefics3Processor', () => {
    const img = '<image><image>';
    expect(imagePromptText(0, 0, 2)).toBe(`<fake_token_around_image><global-img>${img}<fake_token_around_image>`);
    expect(imagePromptText(2, 2, 2)).toBe(
      `<fake_token_around_image><row_1_col_1>${img}<fake_token_around_image><row_1_col_2>${img}\n` +
        `<fake_token_around_image><row_2_col_1>${img}<fake_token_around_image><row_2_col_2>${img}\n` +
        `\n<fake_token_around_image><global-img>${img}<fake_token_around_image>`,
    );
    expect(expandImageTokens('a<image>b<image>c', [{ rows: 0, cols: 0 }, { rows: 1, cols: 2 }], 1)).toBe(
      'a<fake_token_around_image><global-img><image><fake_token_around_image>b' +
        '<fake_token_around_image><row_1_col_1><image><fake_token_around_image><row_1_col_2><image>\n\n<fake_token_around_image><global-img><image><fake_token_around_image>c',
    );
    expect(() => expandImageTokens('no marker', [{ rows: 0, cols: 0 }], 1)).toThrow(/image markers/);
  });
});
