import { mkdir } from 'node:fs/promises';
import type { WukongService } from '../api.js';
import { toWriteError } from '../errors.js';
import { LocalService, type ServiceOptions } from './service.js';

export type { ServiceOptions } from './service.js';
export { defaultHome } from './paths.js';

export async function createService(options: ServiceOptions): Promise<WukongService> {
  try {
    await mkdir(options.home, { recursive: true });
  } catch (err) {
    throw toWriteError(err, options.home);
  }
  return new LocalService(options);
}
