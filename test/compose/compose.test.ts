import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// There is no Docker engine on the test machines; `docker-compose config` parses and checks the
// file without one (test/preflight.mjs installs Debian's docker-compose).
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function compose(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe.concurrent('docker-compose.yml', () => {
  it('is valid for docker-compose config', async () => {
    const run = await compose('config', '-q');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('runs redis and the app', async () => {
    const run = await compose('config', '--services');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter(Boolean).sort()).toEqual(['app', 'redis']);
  });
});
