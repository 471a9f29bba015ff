import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WukongError } from '../errors.js';

/**
 * A worker script must be plain JavaScript at run time. From compiled code it sits beside the
 * module asking for it; from the TypeScript sources (tests) the compiled copy under dist/ is used,
 * which needs `tsc` to have run. `from` is the asking module's import.meta.url.
 */
export function compiledWorker(from: string, script: string, what: string): string {
  const here = fileURLToPath(from);
  const sibling = here.replace(/[^\\/]+\.(ts|js)$/, script);
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  const dist = here.replace(/([\\/])core([\\/])(.+)[\\/][^\\/]+\.ts$/, `$1dist$1core$2$3$2${script}`);
  if (dist !== here && existsSync(dist)) return dist;
  throw new WukongError('INTERNAL', undefined, `${what} worker script not found (looked for ${sibling} and ${dist}); run tsc first.`);
}
