/**
 * A finished session re-run in the browser: the server sends the log, the shared engine replays
 * it. One pass on load keeps a state every CHECKPOINT_S seconds and every cluster's score each
 * second, so seeking replays at most CHECKPOINT_S seconds of actions.
 */
import type { Action, SimState } from '../../../shared/engine/types.ts';
import { computeScore } from '../../../shared/engine/score.ts';
import { clusterOf, createSimulation } from '../../../shared/engine/state.ts';
import { reduce } from '../../../shared/engine/reducer.ts';
import { simActionOf, type RoomLogEntry } from '../../../shared/replay/log.ts';
import type { Scenario } from '../../../shared/scenario/schema.ts';
import type { Mode } from '../../../shared/views/types.ts';
import { ApiError } from './api.ts';

export const CHECKPOINT_S = 30;

export interface ReplayMeta {
  readonly code: string;
  readonly mode: Mode;
  readonly seed: number;
  readonly scenario: Scenario;
  readonly createdAtMs: number;
  readonly replayId: string;
  /** The engine rules it was played with; absent means version 1. */
  readonly engineVersion?: number;
}

export interface ReplayData {
  readonly meta: ReplayMeta;
  readonly log: readonly RoomLogEntry[];
  readonly snapshots: readonly { readonly seq: number; readonly atS: number }[];
}

/**
 * The state a replay's log starts from: null when it starts at the beginning, else the snapshot
 * just before its first entry (see ReplayTimeline's `start`).
 */
export async function fetchReplayStart(id: string, data: ReplayData): Promise<SimState | null> {
  const first = data.log[0]?.seq ?? 1;
  if (first <= 1) return null;
  const res = await fetch(`/api/replays/${encodeURIComponent(id)}/snapshots/${first - 1}`, { headers: { accept: 'application/json' } }).catch(() => null);
  const body = (await res?.json().catch(() => null)) as { state?: SimState | null } | null;
  if (!res?.ok || !body?.state) throw new ApiError('replay-incomplete', 'This replay lost its beginning while the session ran, and the server no longer has the state it starts from.', res?.status ?? 0);
  return body.state;
}

export async function fetchReplay(id: string): Promise<ReplayData> {
  let res: Response;
  try {
    res = await fetch(`/api/replays/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError('network', 'Cannot reach the ClusterClass server. Check your network connection.', 0);
  }
  const body = (await res.json().catch(() => null)) as (ReplayData & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok || !body) throw new ApiError(body?.error?.code ?? `http-${res.status}`, body?.error?.message ?? `The server answered ${res.status}.`, res.status);
  return body;
}

interface Checkpoint {
  /** The state at this checkpoint's second, before the action at `next`. */
  readonly state: SimState;
  readonly next: number;
}

/** Score totals per second: index i is second i. */
export interface ScoreSeries {
  readonly average: readonly number[];
  readonly byCluster: ReadonlyMap<string, readonly number[]>;
}

export class ReplayTimeline {
  readonly actions: readonly Action[];
  /** The state after every action of the log: what the server ended with. */
  readonly final: SimState;
  /** The last simulated second. */
  readonly durationS: number;
  readonly scores: ScoreSeries;
  private readonly _checkpoints: Checkpoint[] = [];

  /**
   * `start`: the state to begin from when the log does not start at the beginning (the store
   * lost the room during the session and it was written again from a snapshot).
   */
  constructor(readonly meta: ReplayMeta, log: readonly RoomLogEntry[], start?: SimState | null) {
    const actions: Action[] = [];
    for (const entry of log) {
      const action = simActionOf(entry.action);
      if (action) actions.push(action);
    }
    this.actions = actions;

    let state = start ?? createSimulation(meta.scenario, meta.seed);
    const average: number[] = [];
    const byCluster = new Map<string, number[]>();
    const record = (s: SimState) => {
      // A second's scores are recorded once, when the tick that ends it is about to run.
      if (average.length > s.timeS) return;
      let sum = 0;
      let n = 0;
      for (const id of s.clusterOrder) {
        const cluster = clusterOf(s, id)!;
        const total = computeScore(s, cluster).total;
        let series = byCluster.get(id);
        if (!series) byCluster.set(id, (series = []));
        series[s.timeS] = total;
        if (!cluster.kicked) {
          sum += total;
          n++;
        }
      }
      average[s.timeS] = n > 0 ? sum / n : 0;
    };
    this._checkpoints.push({ state, next: 0 });
    actions.forEach((action, i) => {
      if (action.type === 'tick') {
        record(state);
        const last = this._checkpoints[this._checkpoints.length - 1]!;
        if (state.timeS >= last.state.timeS + CHECKPOINT_S && state.timeS % CHECKPOINT_S === 0) this._checkpoints.push({ state, next: i });
      }
      state = reduce(state, action).state;
    });
    this.final = state;
    this.durationS = state.timeS;
    // The last second has no tick after it: its scores are those of the final state.
    average.length = Math.min(average.length, state.timeS);
    record(state);
    this.scores = { average, byCluster };
  }

  /** The state at second `t`, as `replaySimulation(scenario, seed, log, t)` computes it. */
  stateAt(t: number): SimState {
    const target = Math.max(0, Math.min(Math.floor(t), this.durationS));
    let checkpoint = this._checkpoints[0]!;
    for (const c of this._checkpoints) if (c.state.timeS <= target) checkpoint = c;
    let state = checkpoint.state;
    for (let i = checkpoint.next; i < this.actions.length; i++) {
      const action = this.actions[i]!;
      if (action.type === 'tick' && state.timeS >= target) break;
      state = reduce(state, action).state;
    }
    return state;
  }
}
