/**
 * Next-token choice from logits: greedy, or temperature + top-k + top-p sampling, with the
 * Hugging Face repetition penalty (positive logits divided, negative multiplied).
 */

export interface SamplingOptions {
  /** 0 or greedy = argmax. */
  temperature?: number;
  greedy?: boolean;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
  /** Makes sampling repeatable. */
  seed?: number;
}

export function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** The k best [id, logit] pairs, best first. */
export function topLogits(x: Float32Array, k: number): [number, number][] {
  const best: [number, number][] = [];
  for (let i = 0; i < x.length; i++) {
    if (best.length < k || x[i] > best[best.length - 1][1]) {
      best.push([i, x[i]]);
      best.sort((a, b) => b[1] - a[1]);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

export class Sampler {
  private state: number;

  constructor(private readonly o: SamplingOptions = {}) {
    this.state = (o.seed ?? Date.now()) >>> 0 || 1;
  }

  /** Picks the next id; `seen` are the ids the penalty applies to. Does not modify `logits`. */
  next(logits: Float32Array, seen: Iterable<number>): number {
    const penalty = this.o.repetitionPenalty ?? 1;
    let x = logits;
    if (penalty !== 1) {
      x = logits.slice();
      for (const id of new Set(seen)) x[id] = x[id] > 0 ? x[id] / penalty : x[id] * penalty;
    }
    const t = this.o.temperature ?? 0;
    if (this.o.greedy || t <= 0) return argmax(x);
    const k = Math.min(this.o.topK && this.o.topK > 0 ? this.o.topK : 50, x.length);
    const cand = topLogits(x, k);
    const max = cand[0][1];
    const probs = cand.map(([, l]) => Math.exp((l - max) / t));
    const sum = probs.reduce((a, b) => a + b, 0);
    const topP = this.o.topP ?? 1;
    let cut = probs.length;
    if (topP < 1) {
      let acc = 0;
      for (let i = 0; i < probs.length; i++) {
        acc += probs[i] / sum;
        if (acc >= topP) {
          cut = i + 1;
          break;
        }
      }
    }
    const kept = probs.slice(0, cut);
    const total = kept.reduce((a, b) => a + b, 0);
    let r = this.random() * total;
    for (let i = 0; i < kept.length; i++) {
      r -= kept[i];
      if (r <= 0) return cand[i][0];
    }
    return cand[kept.length - 1][0];
  }

  /** xorshift32: small, seedable, good enough for sampling. */
  private random(): number {
    let s = this.state;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.state = s >>> 0;
    return this.state / 4294967296;
  }
}
