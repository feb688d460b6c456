/**
 * The shared engine run in the browser: a self-paced attempt, or a "what if" branch of a replay.
 * A solo game is exactly runScenario's run (shared/engine/run.ts), one second at a time, so the
 * server's re-simulation of `log` ends in the same state; GameClock gives it a pace.
 */
import type { Action, PlayerAction, SimState } from '../../../shared/engine/types.ts';
import { SOLO_CLUSTER, type PlanAction, type RecordedRejection } from '../../../shared/engine/run.ts';
import { reduce } from '../../../shared/engine/reducer.ts';
import { clusterOf, createSimulation } from '../../../shared/engine/state.ts';
import { errorReply, type PlayerActionInput, type ProtocolError } from '../../../shared/protocol/index.ts';
import { planActionSchema } from '../../../shared/scenario/plan.ts';
import type { Scenario } from '../../../shared/scenario/schema.ts';
import { standings, studentView, type StudentView } from '../../../shared/views/index.ts';

/** An engine action to apply when the clock reaches its second, before that second's tick. */
export interface ScheduledAction {
  readonly atS: number;
  readonly action: Action;
}

export type LocalActReply = { ok: true; id?: string } | { ok: false; error: ProtocolError };

export class LocalGame {
  private _state: SimState;
  private readonly _log: PlanAction[] = [];
  private readonly _rejections: RecordedRejection[] = [];
  private readonly _scheduled: readonly ScheduledAction[];
  private _next = 0;

  private constructor(
    state: SimState,
    readonly clusterId: string,
    scheduled: readonly ScheduledAction[],
  ) {
    this._state = state;
    // Stable by second, then in the given order: runScenario's order for plan actions.
    this._scheduled = scheduled
      .map((s, i) => [s, i] as const)
      .sort((a, b) => a[0].atS - b[0].atS || a[1] - b[1])
      .map(([s]) => s);
  }

  /** A new solo run exactly as runScenario starts one. */
  static solo(scenario: Scenario, seed: number): LocalGame {
    let state = createSimulation(scenario, seed);
    state = reduce(state, { type: 'addCluster', clusterId: SOLO_CLUSTER, name: 'plan' }).state;
    state = reduce(state, { type: 'start' }).state;
    return new LocalGame(state, SOLO_CLUSTER, []);
  }

  /**
   * A branch from a state (a replay's second) for one of its clusters. `scheduled`: what happened
   * later in the original (teacher events, the cluster's own moves) to apply at its second.
   */
  static from(state: SimState, clusterId: string, scheduled: readonly ScheduledAction[] = []): LocalGame {
    if (!clusterOf(state, clusterId)) throw new Error(`no cluster ${clusterId} in this state`);
    return new LocalGame(state, clusterId, scheduled);
  }

  /**
   * Rebuilds a solo game from a kept plan (a reloaded page resumes): each action at its second,
   * then the clock up to `atS`. The same state as before the reload, and the same log.
   */
  static resume(scenario: Scenario, seed: number, plan: readonly PlanAction[], atS: number): LocalGame {
    const game = LocalGame.solo(scenario, seed);
    const ordered = plan.map((a, i) => [a, i] as const).sort((a, b) => a[0].atS - b[0].atS || a[1] - b[1]);
    for (const [planned] of ordered) {
      while (!game.over && game.timeS < planned.atS) game.tick();
      const { atS: _atS, ...action } = planned;
      game.apply(action as PlayerActionInput, planned.atS);
    }
    while (!game.over && game.timeS < atS) game.tick();
    return game;
  }

  get state(): SimState {
    return this._state;
  }

  get timeS(): number {
    return this._state.timeS;
  }

  get durationS(): number {
    return this._state.scenario.durationS;
  }

  get over(): boolean {
    const { phase, timeS, scenario } = this._state;
    return timeS >= scenario.durationS || phase === 'debrief' || phase === 'ended';
  }

  /** The player's accepted actions as plan actions (atS: the second each was applied): what the server re-simulates. */
  get log(): readonly PlanAction[] {
    return this._log;
  }

  get rejections(): readonly RecordedRejection[] {
    return this._rejections;
  }

  /** One board action now; a refusal is shaped like the room's ack, with its concept. */
  act(action: PlayerActionInput): LocalActReply {
    return this.apply(action, this.timeS);
  }

  /** One simulated second: due scheduled actions first, as runScenario applies due plan actions before the tick. */
  tick(): void {
    if (this.over) return;
    const t = this._state.timeS;
    while (this._next < this._scheduled.length && this._scheduled[this._next]!.atS <= t) {
      this._state = reduce(this._state, this._scheduled[this._next++]!.action).state;
    }
    if (this.over) return;
    // A branch keeps its own pace: a teacher's pause (or a lobby) in the original does not hold it.
    if (this._state.phase === 'paused') this._state = reduce(this._state, { type: 'resume' }).state;
    else if (this._state.phase === 'lobby') this._state = reduce(this._state, { type: 'start' }).state;
    this._state = reduce(this._state, { type: 'tick' }).state;
  }

  /** Runs to the end of the scenario. */
  runToEnd(): void {
    // Bounded by the duration: every tick moves the clock a second or ends the game.
    for (let guard = this.durationS + 2; guard > 0 && !this.over; guard--) this.tick();
  }

  /** The board's view (shared/views studentView) for <cc-student-screen>; rank among the state's clusters. */
  view(you: StudentView['you'], references: StudentView['references']): StudentView {
    return studentView(this._state, { code: 'SOLO', seq: 0, standings: standings(this._state), you, references });
  }

  private apply(action: PlayerActionInput, atS: number): LocalActReply {
    // The server keeps only what its plan schema accepts: refuse the rest here, before it is logged.
    const planned = planActionSchema.safeParse({ ...action, atS });
    if (!planned.success) return errorReply('bad-request', 'That move is not one the game understands.');
    const full = { ...action, clusterId: this.clusterId } as PlayerAction;
    const r = reduce(this._state, full);
    if (r.rejection) {
      this._rejections.push({ atS, action: planned.data, ...r.rejection });
      return errorReply(r.rejection.code, r.rejection.message, r.rejection.concept);
    }
    this._state = r.state;
    this._log.push(planned.data);
    return { ok: true, ...(r.created ? { id: r.created.id } : {}) };
  }
}

/** Timers a GameClock runs on; tests pass fake ones. */
export interface FrameTimers {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: FrameTimers = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export const FRAME_MS = 100;
/** Simulated seconds a frame may run at most: a tab back from the background does not freeze catching up. */
const MAX_TICKS_PER_FRAME = 60;

/**
 * Drives a LocalGame in real time: 10 frames a second, `speed` simulated seconds per real second,
 * pause and resume; never past the end. `onChange` follows every frame that moved the clock.
 */
export class GameClock {
  private _speed: number;
  private handle: unknown = null;
  private last = 0;
  private due = 0;
  private disposed = false;

  constructor(
    readonly game: LocalGame,
    private readonly onChange: (game: LocalGame) => void,
    options: { speed?: number; timers?: FrameTimers } = {},
  ) {
    this._speed = options.speed ?? 1;
    this.timers = options.timers ?? realTimers;
  }

  private readonly timers: FrameTimers;

  get running(): boolean {
    return this.handle !== null;
  }

  get speed(): number {
    return this._speed;
  }

  set speed(speed: number) {
    if (!(speed > 0) || !Number.isFinite(speed)) return;
    // Time passed so far counts at the old speed.
    if (this.running) this.frame();
    this._speed = speed;
  }

  /** Starts (or resumes) the clock; does nothing once the game is over. */
  start(): void {
    if (this.disposed || this.running || this.game.over) return;
    this.last = this.timers.now();
    this.handle = this.timers.setInterval(() => this.frame(), FRAME_MS);
    this.onChange(this.game);
  }

  pause(): void {
    if (!this.running) return;
    this.frame();
    this.stop();
    this.onChange(this.game);
  }

  /** Plays the rest at once. */
  skipToEnd(): void {
    if (this.disposed) return;
    this.stop();
    this.game.runToEnd();
    this.onChange(this.game);
  }

  dispose(): void {
    this.stop();
    this.disposed = true;
  }

  private stop(): void {
    if (this.handle !== null) this.timers.clearInterval(this.handle);
    this.handle = null;
    this.due = 0;
  }

  private frame(): void {
    const now = this.timers.now();
    this.due = Math.min(this.due + ((now - this.last) / 1000) * this._speed, MAX_TICKS_PER_FRAME);
    this.last = now;
    let ticked = 0;
    while (this.due >= 1 && !this.game.over) {
      this.game.tick();
      this.due -= 1;
      ticked++;
    }
    if (this.game.over) this.stop();
    if (ticked > 0) this.onChange(this.game);
  }
}
