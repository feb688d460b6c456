import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) if (entry !== 'node_modules') latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/**
 * Builds the browser client when it is missing or older than its sources, so `npm start` on a
 * fresh clone serves the whole app. Returns what it did, or why it could not.
 */
export function ensureClientBuilt(log: (line: string) => void = () => {}): 'fresh' | 'built' | 'no-client' | 'failed' {
  const config = join(ROOT, 'client/vite.config.ts');
  if (!existsSync(config)) return 'no-client';
  const built = join(ROOT, 'dist/client/index.html');
  const sources = Math.max(newest(join(ROOT, 'client')), newest(join(ROOT, 'shared')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return 'fresh';
  log('Building the browser client (vite build)…');
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '-c', config, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  return result.status === 0 ? 'built' : 'failed';
}
