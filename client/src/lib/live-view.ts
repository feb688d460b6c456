import { StudentMirror, applyView, type ViewDelta } from '../../../shared/views/index.ts';
import { clockAt, simPerRealSecond } from '../../../shared/views/pace.ts';
import type { RoomHeader } from '../../../shared/views/types.ts';

/** How often a running clock is redrawn between the server's updates (real ms). */
const CLOCK_MS = 250;

/**
 * The latest view of one kind, rebuilt from the server's deltas, with its clock advanced here:
 * the server sends the clock about once a second, and between its updates the view's
 * `room.timeS` moves on from the phase and the pace (never backwards while the run goes on).
 * After a (re)join the server sends a whole view first; until it arrives the previous view stays
 * on screen, so a reconnect does not blank the page.
 */
export class LiveView<V extends { room: RoomHeader }> {
  value: V | null = null;
  /** The view as the server last sent it, and when it arrived. */
  private received: V | null = null;
  private receivedAt = 0;
  private fresh = true;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly student: StudentMirror | null;

  /**
   * `kind` 'student' merges the room's shared part and the student's own; `onClock` is called
   * with the view whenever the advanced clock moves it.
   */
  constructor(
    kind: 'student' | 'host' = 'host',
    private readonly onClock?: (view: V) => void,
  ) {
    this.student = kind === 'student' ? new StudentMirror() : null;
  }

  /** A new join: wait for a whole view before merging deltas again. */
  restart(): void {
    this.fresh = true;
    this.student?.restart();
  }

  /** Takes one message ('view:room' and 'view:student' for a student; the host's own view event otherwise). */
  apply(delta: unknown, event?: string): V | null {
    let next: V | null;
    if (this.student) {
      if (!this.student.apply(event ?? 'view:student', delta)) return this.value;
      next = this.student.view as unknown as V;
    } else if (this.fresh) {
      next = applyView<V>(null, delta as ViewDelta<V>);
      if (!next) return this.value;
    } else {
      next = applyView(this.received, delta as ViewDelta<V>);
    }
    this.fresh = false;
    const sameRun = this.value !== null && next !== null && next.room.phase === 'running' && this.value.room.phase === 'running' && next.room.speed === this.value.room.speed;
    this.received = next;
    this.receivedAt = performance.now();
    // A header a little behind the clock shown (it was built before the last redraw) holds the clock still, never back.
    const ahead = sameRun ? this.value!.room.timeS - next!.room.timeS : 0;
    const hold = ahead > 0 && ahead <= 2 * simPerRealSecond(next!.room.speed);
    this.value = hold ? ({ ...next, room: { ...next!.room, timeS: this.value!.room.timeS } } as V) : next;
    this.arm();
    return this.value;
  }

  /** Stops the clock's redraws (the page is gone). */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private arm(): void {
    const running = this.received !== null && this.received.room.phase === 'running' && this.received.room.countdown === 0;
    if (!running) return this.dispose();
    if (this.timer || !this.onClock) return;
    this.timer = setInterval(() => this.advance(), CLOCK_MS);
  }

  private advance(): void {
    const base = this.received;
    if (!base || !this.value) return;
    const timeS = Math.max(this.value.room.timeS, clockAt(base.room, performance.now() - this.receivedAt));
    if (timeS === this.value.room.timeS) return;
    this.value = { ...this.value, room: { ...this.value.room, timeS } } as V;
    this.onClock?.(this.value);
  }
}

