import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/run-then-exit.ts', import.meta.url));

/** Runs the fixture as `npm start` runs the server (under the tsx CLI); how it ended and how long it lingered after its last line. */
function runFixture(mode: 'close' | 'idle'): Promise<{ code: number | null; output: string; lingeredMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, fixture, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let lastOutputAt = performance.now();
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      lastOutputAt = performance.now();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, lingeredMs: performance.now() - lastOutputAt });
    });
  });
}

describe('PooledReferenceRunner lifecycle', () => {
  it('lets the process exit after close(), with no unhandled rejection', async () => {
    const { code, output, lingeredMs } = await runFixture('close');
    expect(output).toContain('["timeout","ok","closed"]');
    expect(code).toBe(0);
    expect(lingeredMs).toBeLessThan(2000);
  });

  it('does not hold the process open with an idle thread, even unclosed', async () => {
    const { code, output, lingeredMs } = await runFixture('idle');
    expect(output).toContain('["timeout","ok"]');
    expect(code).toBe(0);
    // An idle thread stays up to 30 s for the next request, but must not keep the process alive.
    expect(lingeredMs).toBeLessThan(2000);
  });
});
