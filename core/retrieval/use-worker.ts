/** Worker thread of UseWorkerEmbedder: loads its own model and embeds the texts it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { UseEmbedder, type UseEmbedderOptions } from './use-embedder.js';
import type { UseWorkerReply, UseWorkerRequest } from './use-worker-embedder.js';

const port = parentPort;
if (port) {
  const embedder = await UseEmbedder.load(workerData as UseEmbedderOptions);
  const reply = (m: UseWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  port.on('message', (m: UseWorkerRequest) => {
    embedder.embed(m.texts).then(
      (vectors) => reply({ id: m.id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer)),
      (err: unknown) => reply({ id: m.id, error: String(err) }),
    );
  });
  reply({ ready: true });
}
