/**
 * A finished session re-run in the browser: the server sends the log, the shared engine replays
 * it. One pass on load keeps a state every CHECKPOINT_S seconds, every cluster's score each
 * second and who sat in which team when, so seeking replays at most CHECKPOINT_S seconds of actions.
 */
import type { Action, SimState } from '../../../shared/engine/types.ts';
import { computeScore } from '../../../shared/engine/score.ts';
import { clusterOf, createSimulation } from '../../../shared/engine/state.ts';
import { reduce } from '../../../shared/engine/reducer.ts';
import { isRoomEvent, simActionOf, type RoomLogEntry } from '../../../shared/replay/log.ts';
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

/**
 * Which player of the session this browser was, if any: the server checks the resume token this
 * browser kept for the room (the public replay carries no tokens). Null when the browser never sat
 * in it, and when the server cannot say (an older server, the network): then nobody is "you".
 */
export async function fetchViewerSeat(id: string, resumeToken: string | null): Promise<string | null> {
  if (!resumeToken) return null;
  try {
    const res = await fetch(`/api/replays/${encodeURIComponent(id)}/seat`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ resumeToken }),
    });
    if (!res.ok) return null;
    const body = (await res.json().catch(() => null)) as { playerId?: unknown } | null;
    return typeof body?.playerId === 'string' ? body.playerId : null;
  } catch {
    return null;
  }
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

/** A player's move into a team (team mode), at the simulated second it happened. */
interface TeamMove {
  readonly atS: number;
  readonly playerId: string;
  readonly teamId: string | null;
}

export { referenceScores, withInjected, type ReferenceScore } from '../../../shared/engine/references.ts';

export class ReplayTimeline {
  readonly actions: readonly Action[];
  /** The state after every action of the log: what the server ended with. */
  readonly final: SimState;
  /** The last simulated second. */
  readonly durationS: number;
  readonly scores: ScoreSeries;
  /**
   * The clusters worth showing, in join order: every player's (solo), or the teams that had a
   * member at the end or were played on (team mode: a room keeps empty teams for newcomers).
   */
  readonly clusters: readonly string[];
  /** Each team's members at the end (team mode), by team id. */
  readonly members: ReadonlyMap<string, number>;
  private readonly _checkpoints: Checkpoint[] = [];
  private readonly _moves: TeamMove[] = [];

  /**
   * `start`: the state to begin from when the log does not start at the beginning (the store
   * lost the room during the session and it was written again from a snapshot).
   */
  constructor(readonly meta: ReplayMeta, log: readonly RoomLogEntry[], start?: SimState | null) {
    const actions: Action[] = [];
    let state = start ?? createSimulation(meta.scenario, meta.seed);
    const totals = new Map<string, number[]>();
    // Whether a cluster counted in the class average at a second: not kicked, and shown at all.
    const counted = new Map<string, boolean[]>();
    const seconds = { recorded: -1 };
    const record = (s: SimState) => {
      // A second's scores are recorded once, when the tick that ends it is about to run.
      if (seconds.recorded >= s.timeS) return;
      seconds.recorded = s.timeS;
      for (const id of s.clusterOrder) {
        const cluster = clusterOf(s, id)!;
        let series = totals.get(id);
        if (!series) totals.set(id, (series = []));
        series[s.timeS] = computeScore(s, cluster).total;
        let live = counted.get(id);
        if (!live) counted.set(id, (live = []));
        live[s.timeS] = !cluster.kicked;
      }
    };
    const acted = new Set<string>();
    const teamOf = new Map<string, string | null>();
    this._checkpoints.push({ state, next: 0 });
    for (const entry of log) {
      const logged = entry.action;
      if (isRoomEvent(logged)) {
        if (logged.type === 'room:act') acted.add(logged.action.clusterId);
        else if (logged.type === 'room:team') this._move(teamOf, state.timeS, logged.playerId, logged.teamId);
        else if (logged.type === 'room:ban' || logged.type === 'room:unseat') this._move(teamOf, state.timeS, logged.playerId, null);
      }
      const action = simActionOf(logged);
      if (!action) continue;
      if (action.type === 'tick') {
        record(state);
        const last = this._checkpoints[this._checkpoints.length - 1]!;
        if (state.timeS >= last.state.timeS + CHECKPOINT_S && state.timeS % CHECKPOINT_S === 0) this._checkpoints.push({ state, next: actions.length });
      }
      actions.push(action);
      state = reduce(state, action).state;
    }
    this.actions = actions;
    this.final = state;
    this.durationS = state.timeS;
    // The last second has no tick after it: its scores are those of the final state.
    seconds.recorded = state.timeS - 1;
    record(state);

    const members = new Map<string, number>();
    for (const teamId of teamOf.values()) if (teamId) members.set(teamId, (members.get(teamId) ?? 0) + 1);
    this.members = members;
    this.clusters = meta.mode === 'teams' ? state.clusterOrder.filter((id) => (members.get(id) ?? 0) > 0 || acted.has(id)) : [...state.clusterOrder];

    const shown = new Set(this.clusters);
    const average: number[] = [];
    for (let t = 0; t <= state.timeS; t++) {
      let sum = 0;
      let n = 0;
      for (const id of shown) {
        const total = totals.get(id)?.[t];
        if (total === undefined || !counted.get(id)?.[t]) continue;
        sum += total;
        n++;
      }
      average[t] = n > 0 ? sum / n : 0;
    }
    this.scores = { average, byCluster: totals };
  }

  private _move(teamOf: Map<string, string | null>, atS: number, playerId: string, teamId: string | null): void {
    if (this.meta.mode !== 'teams') return;
    teamOf.set(playerId, teamId);
    this._moves.push({ atS, playerId, teamId });
  }

  /** The cluster a player played on at second `t`: their own (solo), their team's then (team mode). */
  clusterOfPlayer(playerId: string, t: number): string | null {
    if (this.meta.mode !== 'teams') return clusterOf(this.final, playerId) ? playerId : null;
    const own = this._moves.filter((m) => m.playerId === playerId);
    // Seated after second t: the team they first joined is the one to show.
    let team = own[0]?.teamId ?? null;
    for (const move of own) if (move.atS <= t) team = move.teamId;
    return team;
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
