import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActionSync, BATCH, type SyncStatus } from '../../client/src/lib/assignment-sync.ts';
import { ApiError } from '../../client/src/lib/api.ts';
import { AssignmentApiError } from '../../client/src/lib/assignments-api.ts';
import type { PlanAction } from '../../shared/engine/run.ts';

const move = (i: number): PlanAction => ({ type: 'ready', ready: i % 2 === 0, atS: i });

/**
 * The server's side of the contract (POST …/actions): `from` is where the batch starts; an overlap
 * with what is kept is skipped, a gap is refused with `bad-seq` and the count kept.
 */
class KeepingServer {
  readonly kept: PlanAction[] = [];
  /** What the next calls do instead of answering: fail before keeping, or keep and lose the answer. */
  trouble: ('network' | 'lost-answer' | 'closed')[] = [];
  calls: { from: number; n: number }[] = [];

  send = async (from: number, actions: readonly PlanAction[]): Promise<{ kept: number }> => {
    this.calls.push({ from, n: actions.length });
    const trouble = this.trouble.shift();
    if (trouble === 'network') throw new ApiError('network', 'Cannot reach the server.', 0);
    if (trouble === 'closed') throw new AssignmentApiError('assignment-closed', 'The deadline has passed.', 410, [], null);
    if (from > this.kept.length) throw new AssignmentApiError('bad-seq', 'Resend from the count kept.', 409, [], this.kept.length);
    this.kept.push(...actions.slice(this.kept.length - from));
    if (trouble === 'lost-answer') throw new ApiError('network', 'The answer was lost.', 0);
    return { kept: this.kept.length };
  };
}

describe('ActionSync', () => {
  let log: PlanAction[];
  let statuses: SyncStatus[];
  let server: KeepingServer;
  const sync = (kept = 0) => new ActionSync(() => log, server.send, kept, (s) => statuses.push(s));

  beforeEach(() => {
    vi.useFakeTimers();
    log = [];
    statuses = [];
    server = new KeepingServer();
  });
  afterEach(() => vi.useRealTimers());

  it('sends moves made together in one batch, in order, and says when they are saved', async () => {
    const s = sync();
    for (let i = 0; i < 3; i++) {
      log.push(move(i));
      s.changed();
    }
    expect(statuses).toEqual(['saving']);
    await vi.advanceTimersByTimeAsync(300);
    expect(server.calls).toEqual([{ from: 0, n: 3 }]);
    expect(server.kept).toEqual(log);
    expect(s.kept).toBe(3);
    expect(statuses).toEqual(['saving', 'saved']);
    s.dispose();
  });

  it('keeps a long backlog in batches of the server’s size', async () => {
    log = Array.from({ length: BATCH * 2 + 5 }, (_, i) => move(i));
    const s = sync();
    await s.whenSaved();
    expect(server.calls.map((c) => c.n)).toEqual([BATCH, BATCH, 5]);
    expect(server.kept).toEqual(log);
    s.dispose();
  });

  it('retries with a growing pause while offline, and every move is kept once, in order', async () => {
    const s = sync();
    server.trouble = ['network', 'network', 'lost-answer'];
    log.push(move(0), move(1));
    s.changed();
    await vi.advanceTimersByTimeAsync(300);
    expect(statuses.at(-1)).toBe('offline');
    // More moves while offline wait behind the first ones.
    log.push(move(2));
    s.changed();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(server.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(600);
    // The third try was kept but its answer lost; the fourth starts from the same place and adds nothing twice.
    expect(server.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(server.kept).toEqual(log);
    expect(s.kept).toBe(3);
    expect(statuses.at(-1)).toBe('saved');
    s.dispose();
  });

  it('resends from the server’s count when it has fewer moves than the page thought', async () => {
    log = [move(0), move(1), move(2), move(3)];
    server.kept.push(move(0));
    // A page that believes three are kept (a stale count) is told the real one and resends from it.
    const s = sync(3);
    await s.whenSaved();
    expect(server.calls.map((c) => c.from)).toEqual([3, 1]);
    expect(server.kept).toEqual(log);
    s.dispose();
  });

  it('stops for good on a refusal a retry cannot mend, and says so', async () => {
    const s = sync();
    server.trouble = ['closed'];
    log.push(move(0));
    const saved = s.whenSaved();
    await expect(saved).rejects.toMatchObject({ code: 'assignment-closed' });
    expect(statuses.at(-1)).toBe('failed');
    log.push(move(1));
    s.changed();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.calls).toHaveLength(1);
    s.dispose();
  });
});
