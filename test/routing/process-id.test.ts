import { describe, expect, it } from 'vitest';
import { processId } from '../../server/cluster/connect.ts';
import { ownerPid } from '../support/server-process.ts';

describe('a process id', () => {
  it('names its host and pid, and its random part never holds a dash', () => {
    for (let i = 0; i < 2_000; i++) {
      const id = processId();
      expect(id).toMatch(/-[0-9a-z]{6}$/);
      expect(ownerPid(id)).toBe(process.pid);
    }
  });
});
