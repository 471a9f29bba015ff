/** Worker thread of UseEmbedder's pool: loads its own model and embeds the texts it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { UseEmbedder, type UseEmbedderOptions } from './use-embedder.js';

const port = parentPort;
if (port) {
  const embedder = await UseEmbedder.load({ ...(workerData as UseEmbedderOptions), workers: 0 });
  port.on('message', (m: { id: number; texts: string[] }) => {
    embedder.embedHere(m.texts).then(
      (vectors) => port.postMessage({ id: m.id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer)),
      (err: unknown) => port.postMessage({ id: m.id, error: String(err) }),
    );
  });
  port.postMessage({ ready: true });
}
