import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveView } from '../../client/src/lib/live-view.ts';
import { clockAt } from '../../shared/views/pace.ts';
import { diff, whole, type RoomHeader } from '../../shared/views/index.ts';

type V = { room: RoomHeader; n: number };
const header = (over: Partial<RoomHeader> = {}): RoomHeader => ({ code: 'ABCDEF', phase: 'running', timeS: 10, durationS: 60, speed: 1, locked: false, countdown: 0, seq: 1, ...over });

describe('the clock between the server’s updates', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('advances a running clock by speed × 10 simulated seconds a real second, up to the end, and stands still otherwise', () => {
    expect(clockAt(header(), 500)).toBe(15);
    expect(clockAt(header({ speed: 0.25 }), 1_000)).toBe(12);
    expect(clockAt(header(), 60_000)).toBe(60);
    for (const stands of [header({ phase: 'paused' }), header({ phase: 'lobby' }), header({ countdown: 2 }), header({ phase: 'debrief' })]) expect(clockAt(stands, 5_000)).toBe(10);
  });

  it('redraws the view with the advanced clock, never back when the next header is a little behind, and stops when paused', () => {
    const shown: number[] = [];
    const live = new LiveView<V>('host', (v) => shown.push(v.room.timeS));
    let sent: V = { room: header(), n: 1 };
    live.apply(whole(sent));
    vi.advanceTimersByTime(1_000);
    expect(shown.at(-1)).toBe(20);
    // The server's next header was built a moment before: the clock holds, it does not jump back.
    const next: V = { room: header({ timeS: 19, seq: 2 }), n: 1 };
    expect(live.apply(diff(sent, next))!.room.timeS).toBe(20);
    sent = next;
    vi.advanceTimersByTime(500);
    expect(shown.at(-1)).toBe(24);
    const paused: V = { room: header({ timeS: 25, phase: 'paused', seq: 3 }), n: 1 };
    expect(live.apply(diff(sent, paused))!.room.timeS).toBe(25);
    const count = shown.length;
    vi.advanceTimersByTime(3_000);
    expect(shown.length).toBe(count);
    live.dispose();
  });

  it('merges a student’s two parts and advances the shared clock', () => {
    let latest: number | null = null;
    const live = new LiveView<{ room: RoomHeader; of: number; top: never[]; effects: never[]; banners: never[]; you: object }>('student', (v) => (latest = v.room.timeS));
    expect(live.apply(whole({ room: header(), of: 1, top: [], effects: [], banners: [] }), 'view:room')).toBeNull();
    expect(live.apply(whole({ you: { playerId: 'p' } }), 'view:student')!.room.timeS).toBe(10);
    vi.advanceTimersByTime(250);
    expect(latest).toBe(12);
    live.dispose();
  });
});
