/**
 * Which better-sqlite3 build the service host loads. `npm start` builds one for Electron and names it in
 * WUKONG_SQLITE_BINDING; an installer carries its own in resources/native/ (staged by
 * scripts/electron-builder-before-pack.mjs, shipped by package.json build.extraResources), because the
 * copy in node_modules was built for Node's ABI.
 */
import { join } from 'node:path';

export const PACKAGED_SQLITE_BINDING = ['native', 'better_sqlite3.node'] as const;

export function serviceHostEnv(env: NodeJS.ProcessEnv, app: { isPackaged: boolean; resourcesPath: string }): NodeJS.ProcessEnv {
  if (!app.isPackaged) return env;
  return { ...env, WUKONG_SQLITE_BINDING: join(app.resourcesPath, ...PACKAGED_SQLITE_BINDING) };
}
