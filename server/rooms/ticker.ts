import type { Scenario } from '../../shared/scenario/schema.ts';
import type { StudentView } from '../../shared/views/index.ts';
import type { Clock, TimerHandle } from './clock.ts';

export type ReferenceScores = NonNullable<StudentView['references']>;

/** Where the debrief's reference scores come from (a worker pool on the server). Never rejects. */
export interface ReferenceSource {
  run(scenario: Scenario, seed: number, untilS: number): Promise<{ ok: true; references: ReferenceScores } | { ok: false; reason: string; message: string }>;
}

export interface TickerHooks {
  /** `n` simulated seconds are due: advance them. Resolves false if they could not be applied (they stay due). */
  advance(n: number): Promise<boolean>;
  /** Time to send views. */
  flush(): void;
  /** The debrief's references arrived (or could not be computed). */
  references(outcome: { ok: true; references: ReferenceScores } | { ok: false; reason: string; message: string }): void;
  /** A background step failed; the ticker goes on. */
  error(error: unknown, what: string): void;
}

const REFERENCE_RETRIES = 12;
/**
 * Real time one loop makes up at most, however long the event loop was away: a server that is
 * overloaded for a while falls behind by the rest rather than stalling every room at once on a
 * burst of catch-up ticks (which would stall it longer still).
 */
const MAX_CATCH_UP_MS = 1_000;
const REFERENCE_RETRY_MS = 5_000;

export interface TickerOptions {
  /** The clock's period: one simulated second per period at speed 1. */
  readonly tickMs: number;
  /** Views after an action go out together within this many ms. */
  readonly flushMs: number;
  /** Real seconds the clock holds after the teacher starts the run (0 or absent: none). */
  readonly countdownS?: number;
}

/**
 * A room's time: the tick loop, the coalesced flush after actions, one-off timers and the
 * debrief's references. Every timer goes through the Clock, so a fake clock drives all of it,
 * and dispose() leaves none behind.
 */
export class Ticker {
  private loop: TimerHandle | null = null;
  private due = 0;
  private busy = false;
  private flushTimer: TimerHandle | null = null;
  private flushAt = 0;
  /** When the loop last ran: the simulated seconds due grow with the real time since. */
  private lastLoopAt = 0;
  private readonly timers = new Set<TimerHandle>();
  /** The run length the references are (being) computed for. */
  private referencesFor: number | null = null;
  private disposed = false;
  /** Whether the room is in a running phase: the loop runs then, once any countdown is over. */
  private wanted = false;
  private countdownLeft = 0;
  private countdownTimer: TimerHandle | null = null;
  /** A pause came during the countdown: the class never saw the run begin, so resuming counts down again. */
  private countdownCut = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: TickerOptions,
    private readonly hooks: TickerHooks,
    private readonly speed: () => number,
  ) {}

  /** Starts or stops the tick loop (after the countdown, if one is on). */
  setRunning(running: boolean): void {
    if (this.disposed) return;
    this.wanted = running;
    if (!running) {
      if (this.countdownLeft > 0) this.countdownCut = true;
      this.stopCountdown();
      this.stopLoop();
      return;
    }
    if (this.countdownCut) {
      this.countdownCut = false;
      this.startCountdown();
    }
    if (this.countdownLeft === 0) this.startLoop();
  }

  get running(): boolean {
    return this.loop !== null;
  }

  /** Real seconds left of the countdown; 0 when there is none. */
  get countdown(): number {
    return this.countdownLeft;
  }

  /**
   * The teacher pressed start: the clock holds for the countdown's seconds, and views go out as
   * each one passes (3, 2, 1, then 0 with the first ticks). Players may keep planning meanwhile.
   */
  startCountdown(): void {
    const seconds = this.options.countdownS ?? 0;
    if (this.disposed || seconds <= 0) return;
    this.stopCountdown();
    this.stopLoop();
    this.countdownLeft = seconds;
    const step = () => {
      this.countdownTimer = null;
      this.countdownLeft--;
      if (this.countdownLeft > 0) this.countdownTimer = this.after(1000, step);
      else if (this.wanted) this.startLoop();
      this.scheduleFlush();
    };
    this.countdownTimer = this.after(1000, step);
    this.scheduleFlush();
  }

  private stopCountdown(): void {
    if (this.countdownTimer) {
      this.clock.clear(this.countdownTimer);
      this.timers.delete(this.countdownTimer);
    }
    this.countdownTimer = null;
    this.countdownLeft = 0;
  }

  private startLoop(): void {
    if (this.loop) return;
    this.due = 0;
    this.lastLoopAt = this.clock.now();
    this.loop = this.clock.setInterval(() => this.onLoop(), this.options.tickMs);
  }

  private stopLoop(): void {
    if (!this.loop) return;
    this.clock.clear(this.loop);
    this.loop = null;
  }

  /** Each period: the speed's worth of simulated seconds for the real time passed; if the last round is still busy, they accumulate rather than queue. */
  private onLoop(): void {
    // Due by the real time that passed, not by the timer's count: a period the event loop was late
    // for is made up, so a busy server's clock does not fall behind the class's real time.
    // (A wall clock set back counts nothing; one jumping ahead, or a long stall, makes up at most MAX_CATCH_UP_MS.)
    const now = this.clock.now();
    const elapsed = Math.min(Math.max(0, now - this.lastLoopAt), MAX_CATCH_UP_MS);
    this.due += (this.speed() * elapsed) / this.options.tickMs;
    this.lastLoopAt = now;
    if (this.busy) return;
    // No simulated second is due yet (a slow pace): views still go out each period, so a class's
    // updates stay spread over every second instead of bunching on the ticks.
    if (this.due < 1) return this.hooks.flush();
    const n = Math.floor(this.due);
    this.due -= n;
    this.busy = true;
    this.hooks
      .advance(n)
      .then(
        (applied) => {
          // Seconds that could not be kept stay due, so the clock catches up instead of falling behind.
          if (!applied) this.due += n;
          if (!this.disposed) this.hooks.flush();
        },
        (error: unknown) => {
          this.due += n;
          this.hooks.error(error, 'tick');
        },
      )
      .finally(() => {
        this.busy = false;
      });
  }

  /** Sends views soon (in `ms`, the flush period unless said), once for everything that happens meanwhile. */
  scheduleFlush(ms = this.options.flushMs): void {
    if (this.disposed) return;
    const at = this.clock.now() + ms;
    if (this.flushTimer) {
      if (this.flushAt <= at) return;
      this.clock.clear(this.flushTimer);
      this.timers.delete(this.flushTimer);
    }
    this.flushAt = at;
    this.flushTimer = this.after(ms, () => {
      this.flushTimer = null;
      this.hooks.flush();
    });
  }

  /** A one-off timer that dies with the room. */
  after(ms: number, fn: () => void): TimerHandle | null {
    if (this.disposed) return null;
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      if (this.disposed) return;
      try {
        fn();
      } catch (error) {
        this.hooks.error(error, 'timer');
      }
    }, ms);
    this.timers.add(handle);
    return handle;
  }

  /**
   * Asks for the reference policies' scores over `untilS` seconds, off the main thread. A newer
   * request (the session ended early) supersedes an older one still running.
   */
  requestReferences(source: ReferenceSource, scenario: Scenario, seed: number, untilS: number, attempt = 1): void {
    if (this.disposed || (attempt === 1 && this.referencesFor === untilS)) return;
    this.referencesFor = untilS;
    source.run(scenario, seed, untilS).then(
      (outcome) => {
        if (this.disposed || this.referencesFor !== untilS) return;
        // A full pool (a restart bringing many debriefs back at once) is asked again a little later.
        if (!outcome.ok && outcome.reason === 'busy' && attempt < REFERENCE_RETRIES) {
          this.after(REFERENCE_RETRY_MS, () => this.requestReferences(source, scenario, seed, untilS, attempt + 1));
          return;
        }
        this.hooks.references(outcome);
      },
      (error: unknown) => this.hooks.error(error, 'references'),
    );
  }

  /** Stops every timer; nothing fires afterwards. */
  dispose(): void {
    this.disposed = true;
    if (this.loop) this.clock.clear(this.loop);
    this.loop = null;
    for (const t of this.timers) this.clock.clear(t);
    this.timers.clear();
    this.flushTimer = null;
    this.countdownTimer = null;
    this.countdownLeft = 0;
  }
}
