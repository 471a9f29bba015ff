import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/**
 * Where the library, models and settings live. WUKONG_HOME wins so tests and portable installs can
 * point elsewhere; otherwise the platform's usual per-user data folder, shared by the app and the CLI.
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WUKONG_HOME) return env.WUKONG_HOME;
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'WuKong Reader');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'WuKong Reader');
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'wukong-reader');
  }
}
