import * as ort from 'onnxruntime-node';
import { readdirSync } from 'node:fs';
const dir = process.argv[3];
const onnx = dir + '/' + readdirSync(dir).find(f => f.endsWith('.onnx') && !f.includes('probe'));
const mode = process.argv[2];
const s = await ort.InferenceSession.create(onnx, { graphOptimizationLevel: 'all', intraOpNumThreads: 2, enableProfiling: true, profileFilePrefix: '/tmp/ortprof' });
const L = 24, n = 2, D = 64;
function feeds(T, P) {
  const cap = Math.ceil((P + T + Math.max(256, (P+T) / 16)) / 256) * 256;
  const f = { input_ids: new ort.Tensor('int64', BigInt64Array.from({length:T},(_, i)=>BigInt(1000+i)), [1,T]), position_ids: new ort.Tensor('int64', BigInt64Array.from({length:T},(_, i)=>BigInt(P+i)), [1,T]), logits_start: new ort.Tensor('int64', BigInt64Array.of(BigInt(T-1)), [1]), mask_past_full: new ort.Tensor('float32', new Float32Array(T*cap), [T, cap]), mask_new_full: new ort.Tensor('float32', new Float32Array(T*T), [T, T]) };
  for (let l = 0; l < L; l++) for (const kv of ['key','value']) f[`past.${l}.full.${kv}`] = new ort.Tensor('float32', new Float32Array(n*cap*D), [1,n,cap,D]);
  return f;
}
const t = performance.now();
if (mode === 'prefill') { await s.run(feeds(512, 0)); await s.run(feeds(512, 1536)); }
else { for (let i = 0; i < 10; i++) await s.run(feeds(1, 2000)); }
console.log('wall', performance.now() - t);
await s.endProfiling();
