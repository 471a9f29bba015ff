import { resolve } from 'node:path';
import type { WukongService } from '../core/api.js';
import { WukongError } from '../core/errors.js';
import { createService, defaultHome } from '../core/service/index.js';
import type { CliIO } from './io.js';

/** `watchOtherProcesses` for `wukong serve`, which shows the library as the app does. */
export async function cliService(env: NodeJS.ProcessEnv, options: { watchOtherProcesses?: boolean } = {}): Promise<WukongService> {
  const mirror = env.WUKONG_MODEL_MIRROR || env.HF_ENDPOINT || undefined;
  return createService({ home: defaultHome(env), hub: { mirror, token: env.HF_TOKEN || undefined }, ...options });
}

/** Opens a PDF in the library (reusing an earlier parse), shows progress, and returns its id once ready. */
export async function openReady(service: WukongService, path: string, io: CliIO, password?: string): Promise<string> {
  const off = service.onEvent((e) => {
    if (e.type === 'job' && e.job.state === 'running') io.progress(e.job.message);
  });
  try {
    const { document, job } = await service.openDocument({ path: resolve(path) }, { password });
    if (job) await service.waitForJob(job.id);
    let now = (await service.listDocuments()).find((d) => d.id === document.id);
    // Another process (the app) is preparing it: wait for that instead of parsing it twice.
    while (now && (now.status === 'parsing' || now.status === 'indexing')) {
      io.progress(`${now.fileName} is being prepared by another WuKong process…`);
      await new Promise((r) => setTimeout(r, 500));
      now = (await service.listDocuments()).find((d) => d.id === document.id);
    }
    if (now?.status !== 'ready') {
      const err = now?.error;
      throw err ? new WukongError(err.code, err.message, err.detail) : new WukongError('INTERNAL', `${document.fileName} could not be prepared.`);
    }
    return document.id;
  } finally {
    off();
    io.progress('');
  }
}
