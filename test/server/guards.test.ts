import { EventEmitter } from 'node:events';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guardProcess } from '../../server/process/guards.ts';

describe('process guards', () => {
  it('logs an unhandled rejection loudly instead of letting it end the process', () => {
    const proc = new EventEmitter();
    const logged: { obj: unknown; msg: string }[] = [];
    guardProcess(proc as unknown as NodeJS.Process, { error: (obj: unknown, msg: string) => logged.push({ obj, msg }) } as never);
    const reason = new Error('store.deleteRoom failed');
    proc.emit('unhandledRejection', reason, Promise.resolve());
    expect(logged).toHaveLength(1);
    expect(logged[0]!.msg).toMatch(/UNHANDLED REJECTION/);
    expect(logged[0]!.obj).toEqual({ err: reason });
  });
});

describe('a guarded process', () => {
  it('outlives a rejection nobody handles (without the guard, Node ends it)', () => {
    const script = (guarded: boolean) => `
      import('./server/process/guards.ts').then(({ guardProcess }) => {
        if (${guarded}) guardProcess(process, { error: (_o, m) => console.error(m) });
        Promise.reject(new Error('nobody catches this'));
        setTimeout(() => console.log('still serving'), 100);
      });`;
    const run = (guarded: boolean) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(guarded)], { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8', timeout: 20_000 });
    const guarded = run(true);
    expect(guarded.status).toBe(0);
    expect(guarded.stdout).toContain('still serving');
    expect(guarded.stderr).toContain('UNHANDLED REJECTION');
    const bare = run(false);
    expect(bare.status).not.toBe(0);
    expect(bare.stdout).not.toContain('still serving');
  });
});
