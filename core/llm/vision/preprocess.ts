/**
 * Idefics3ImageProcessor in plain TypeScript, for RGB/RGBA pixel buffers (figure crops rendered by
 * core/pdf/render.ts): resize the longest edge to size.longest_edge, resize up to whole tiles of
 * max_image_size, cut the tiles (row-major) plus a global image resized to one tile, rescale,
 * normalise, channels first. Resizing reproduces Pillow's LANCZOS on 8-bit images (the processor
 * resizes through PIL): separable, horizontal pass first, 22-bit fixed-point coefficients, each
 * pass rounded to 8 bits.
 *
 * Also the processor's prompt layout for an image: `<fake_token_around_image><row_r_col_c>` +
 * `<image>` x image_seq_len per tile, a newline after each row of tiles, then
 * `\n<fake_token_around_image><global-img>` + `<image>` x image_seq_len + `<fake_token_around_image>`.
 */
import { WukongError } from '../../errors.js';
import { MAX_IMAGE_SIZE, type ImageProcessorConfig } from './config.js';

export interface PixelBuffer {
  width: number;
  height: number;
  /** Row-major, `channels` bytes per pixel (RGB or RGBA, not premultiplied). */
  data: Uint8Array | Uint8ClampedArray;
  channels: 3 | 4;
}

/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface ProcessedImage {
  /** [count, 3, side, side] float32, normalised. */
  pixels: Float32Array;
  count: number;
  side: number;
  /** Tile rows and columns (0 and 0 when the image fit one tile and is fed as the global image only). */
  rows: number;
  cols: number;
}

export const FAKE_TOKEN = '<fake_token_around_image>';
export const IMAGE_TOKEN = '<image>';
export const GLOBAL_IMAGE_TOKEN = '<global-img>';

/**
 * RGBA composited over opaque white, as the processor's convert_to_rgb does (Pillow's
 * alpha_composite arithmetic). Done before resizing here; the two orders agree for opaque images,
 * which is what the PDF renderer produces (it paints a white background).
 */
export function toRgb(img: PixelBuffer): RgbImage {
  const n = img.width * img.height;
  if (img.data.length !== n * img.channels) throw new WukongError('BAD_REQUEST', `An image of ${img.width}x${img.height} needs ${n * img.channels} bytes, not ${img.data.length}.`);
  const out = new Uint8Array(n * 3);
  if (img.channels === 3) {
    out.set(img.data);
    return { width: img.width, height: img.height, data: out };
  }
  for (let i = 0; i < n; i++) {
    const a = img.data[4 * i + 3];
    for (let ch = 0; ch < 3; ch++) {
      if (a === 0) {
        out[3 * i + ch] = 255;
        continue;
      }
      // coef1 = a * 2^7, coef2 = (255 - a) * 2^7; rounded division by 255 as Pillow's SHIFTFORDIV255.
      const t = img.data[4 * i + ch] * a * 128 + 255 * (255 - a) * 128 + (0x80 << 7);
      out[3 * i + ch] = (((t >> 8) + t) >> 8) >> 7;
    }
  }
  return { width: img.width, height: img.height, data: out };
}

const PRECISION_BITS = 22;

function lanczos(x: number): number {
  if (x >= -3 && x < 3) return sinc(x) * sinc(x / 3);
  return 0;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

interface Coeffs {
  ksize: number;
  bounds: Int32Array;
  /** Fixed-point weights, [outSize, ksize]. */
  kk: Int32Array;
}

function coefficients(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 3 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      k[x] = lanczos((x + xmin - center + 0.5) * ss);
      ww += k[x];
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x];
      kk[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[2 * xx] = xmin;
    bounds[2 * xx + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(ss: number): number {
  const v = Math.floor(ss / (1 << PRECISION_BITS));
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Pillow's Image.resize((width, height), LANCZOS) of an 8-bit RGB image. */
export function resizeLanczos(img: RgbImage, width: number, height: number): RgbImage {
  if (width === img.width && height === img.height) return { width, height, data: img.data.slice() };
  let cur = img;
  const vert = coefficients(img.height, height);
  if (width !== img.width) {
    // Pillow runs the horizontal pass over only the source rows the vertical pass reads.
    const y0 = height !== img.height ? vert.bounds[0] : 0;
    const y1 = height !== img.height ? vert.bounds[2 * height - 2] + vert.bounds[2 * height - 1] : img.height;
    const out = new Uint8Array(width * (y1 - y0) * 3);
    resamplePass(img.data.subarray(y0 * img.width * 3), out, coefficients(img.width, width), width, y1 - y0, 3, img.width * 3, 3, width * 3);
    cur = { width, height: y1 - y0, data: out };
    for (let i = 0; i < height; i++) vert.bounds[2 * i] -= y0;
  }
  if (height === img.height) return cur;
  const out = new Uint8Array(width * height * 3);
  resamplePass(cur.data, out, vert, height, width, width * 3, 3, width * 3, 3);
  return { width, height, data: out };
}

/**
 * One 8-bit pass along an axis: `outLen` outputs per line, `lines` lines; strides in bytes of a step
 * along the axis and across lines, in the source and in the output.
 */
function resamplePass(src: Uint8Array, out: Uint8Array, co: Coeffs, outLen: number, lines: number, srcAlong: number, srcAcross: number, outAlong: number, outAcross: number): void {
  const { ksize, bounds, kk } = co;
  for (let line = 0; line < lines; line++) {
    for (let o = 0; o < outLen; o++) {
      const min = bounds[2 * o];
      const n = bounds[2 * o + 1];
      let s0 = 1 << (PRECISION_BITS - 1);
      let s1 = s0;
      let s2 = s0;
      for (let t = 0; t < n; t++) {
        const w = kk[o * ksize + t];
        const p = line * srcAcross + (t + min) * srcAlong;
        s0 += src[p] * w;
        s1 += src[p + 1] * w;
        s2 += src[p + 2] * w;
      }
      const q = line * outAcross + o * outAlong;
      out[q] = clip8(s0);
      out[q + 1] = clip8(s1);
      out[q + 2] = clip8(s2);
    }
  }
}

/** The size after the first resize: longest edge to `longest` (short edge rounded up to even), then under MAX_IMAGE_SIZE. */
export function resizeOutputSize(height: number, width: number, longest: number): { height: number; width: number } {
  const aspect = width / height;
  if (width >= height) {
    width = longest;
    height = Math.trunc(width / aspect);
    if (height % 2 !== 0) height++;
  } else {
    height = longest;
    width = Math.trunc(height * aspect);
    if (width % 2 !== 0) width++;
  }
  height = Math.max(height, 1);
  width = Math.max(width, 1);
  const aspect2 = width / height;
  if (width >= height && width > MAX_IMAGE_SIZE) {
    width = MAX_IMAGE_SIZE;
    height = Math.trunc(width / aspect2);
  } else if (height > width && height > MAX_IMAGE_SIZE) {
    height = MAX_IMAGE_SIZE;
    width = Math.trunc(height * aspect2);
  }
  return { height: Math.max(height, 1), width: Math.max(width, 1) };
}

/** Both sides up to whole tiles, keeping the aspect ratio through the longer side first. */
export function tiledSize(height: number, width: number, tile: number): { height: number; width: number } {
  const aspect = width / height;
  if (width >= height) {
    width = Math.ceil(width / tile) * tile;
    height = Math.ceil(Math.trunc(width / aspect) / tile) * tile;
  } else {
    height = Math.ceil(height / tile) * tile;
    width = Math.ceil(Math.trunc(height * aspect) / tile) * tile;
  }
  return { height, width };
}

/** The processor's frames for one image: tiles row by row, then the global image. */
export function splitFrames(img: RgbImage, cfg: ImageProcessorConfig): { frames: RgbImage[]; rows: number; cols: number } {
  let cur = img;
  if (cfg.doResize) {
    const s = resizeOutputSize(cur.height, cur.width, cfg.longestEdge);
    cur = resizeLanczos(cur, s.width, s.height);
  }
  if (!cfg.doImageSplitting) return { frames: [cur], rows: 0, cols: 0 };
  const M = cfg.maxImageSize;
  const t = tiledSize(cur.height, cur.width, M);
  cur = resizeLanczos(cur, t.width, t.height);
  if (cur.height <= M && cur.width <= M) return { frames: [cur], rows: 0, cols: 0 };
  const rows = Math.ceil(cur.height / M);
  const cols = Math.ceil(cur.width / M);
  const th = Math.ceil(cur.height / rows);
  const tw = Math.ceil(cur.width / cols);
  const frames: RgbImage[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) frames.push(crop(cur, c * tw, r * th, Math.min(c * tw + tw, cur.width), Math.min(r * th + th, cur.height)));
  }
  frames.push(resizeLanczos(cur, M, M));
  return { frames, rows, cols };
}

function crop(img: RgbImage, x0: number, y0: number, x1: number, y1: number): RgbImage {
  const w = x1 - x0;
  const h = y1 - y0;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(((y + y0) * img.width + x0) * 3, ((y + y0) * img.width + x1) * 3), y * w * 3);
  return { width: w, height: h, data };
}

/** Frames as the vision tower's input: rescaled and normalised in float32, channels first. */
export function preprocessImage(img: PixelBuffer, cfg: ImageProcessorConfig, side: number): ProcessedImage {
  const { frames, rows, cols } = splitFrames(toRgb(img), cfg);
  for (const f of frames) {
    if (f.width !== side || f.height !== side) {
      throw new WukongError('MODEL_INVALID', `The image processor makes ${f.width}x${f.height} frames but the vision tower reads ${side}x${side}.`);
    }
  }
  const plane = side * side;
  const pixels = new Float32Array(frames.length * 3 * plane);
  const f32 = Math.fround;
  const mean = cfg.mean.map(f32);
  const std = cfg.std.map(f32);
  frames.forEach((f, i) => {
    for (let ch = 0; ch < 3; ch++) {
      const base = (i * 3 + ch) * plane;
      for (let p = 0; p < plane; p++) {
        let v = f.data[3 * p + ch];
        // numpy: (float64 x * factor) -> float32, then (x - mean) / std in float32.
        if (cfg.doRescale) v = f32(v * cfg.rescaleFactor);
        if (cfg.doNormalize) v = f32(f32(v - mean[ch]) / std[ch]);
        pixels[base + p] = v;
      }
    }
  });
  return { pixels, count: frames.length, side, rows, cols };
}

/** The processor's expansion of one `<image>` for a split (rows x cols) or single image. */
export function imagePromptText(rows: number, cols: number, imageSeqLen: number): string {
  const run = IMAGE_TOKEN.repeat(imageSeqLen);
  const global = `${FAKE_TOKEN}${GLOBAL_IMAGE_TOKEN}${run}${FAKE_TOKEN}`;
  if (rows === 0 && cols === 0) return global;
  let s = '';
  for (let r = 1; r <= rows; r++) {
    for (let c = 1; c <= cols; c++) s += `${FAKE_TOKEN}<row_${r}_col_${c}>${run}`;
    s += '\n';
  }
  return `${s}\n${global}`;
}

/** Replaces each `<image>` of `text` with its image's expansion, as Idefics3Processor does. */
export function expandImageTokens(text: string, images: { rows: number; cols: number }[], imageSeqLen: number): string {
  const parts = text.split(IMAGE_TOKEN);
  if (parts.length - 1 !== images.length) {
    throw new WukongError('BAD_REQUEST', `The prompt has ${parts.length - 1} image markers for ${images.length} images.`);
  }
  let out = parts[0];
  images.forEach((im, i) => (out += imagePromptText(im.rows, im.cols, imageSeqLen) + parts[i + 1]));
  return out;
}
