import type { Clock, TimerHandle } from '../../server/rooms/clock.ts';

interface Timer {
  readonly id: number;
  at: number;
  readonly every: number | null;
  readonly fn: () => void;
}

/** Lets the room's promise queue run to quiescence between timer firings. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock that moves only when a test says so, firing due timers in time order. */
export class FakeClock implements Clock {
  private t = 1_000_000;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clear(handle: TimerHandle): void {
    this.timers.delete((handle as { id: number }).id);
  }

  /** Timers still pending (a disposed room must leave none). */
  get pending(): number {
    return this.timers.size;
  }

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      const next = [...this.timers.values()].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next || next.at > end) break;
      this.t = next.at;
      if (next.every) next.at += next.every;
      else this.timers.delete(next.id);
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }

  private add(fn: () => void, ms: number, every: number | null): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.t + Math.max(0, ms), every, fn });
    return { id };
  }
}
