/**
 * A room's log: the simulation's actions, in the order the room applied them, interleaved with
 * room events (who sat down, teams, bans, refusals) that the simulation does not see. Replaying
 * the simulation actions from the scenario and seed gives back the room's simulation exactly;
 * the room events give back everything else a restarted server needs.
 */
import type { Concept } from '../engine/concepts.ts';
import type { Action, PlayerAction, SimState } from '../engine/types.ts';
import { createSimulation } from '../engine/state.ts';
import { reduce } from '../engine/reducer.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { CheckStage } from '../learning/types.ts';

export type RoomEvent =
  /** A player's accepted action, with who made it (a team's members share one cluster). */
  | { readonly type: 'room:act'; readonly playerId: string; readonly action: PlayerAction }
  /** A player's refused action: it changed nothing, but it is what the class got wrong. */
  | { readonly type: 'room:refused'; readonly playerId: string; readonly atS: number; readonly action: PlayerAction; readonly code: string; readonly concept: Concept | null; readonly message: string }
  | { readonly type: 'room:seat'; readonly playerId: string; readonly nickname: string; readonly key: string; readonly resumeToken: string; readonly deviceId: string | null }
  | { readonly type: 'room:team'; readonly playerId: string; readonly teamId: string }
  | { readonly type: 'room:teams'; readonly teams: readonly { readonly id: string; readonly name: string }[] }
  | { readonly type: 'room:ban'; readonly playerId: string }
  /** A seat that never did anything, left empty in the lobby: freed (its nickname too), not banned. */
  | { readonly type: 'room:unseat'; readonly playerId: string }
  /** An answer to a concept check (shared/learning), marked when it was given. */
  | { readonly type: 'room:answer'; readonly playerId: string; readonly stage: CheckStage; readonly questionId: string; readonly concept: Concept; readonly choice: number; readonly correct: boolean };

export type Logged = Action | RoomEvent;

export interface RoomLogEntry {
  readonly seq: number;
  readonly atMs: number;
  readonly action: Logged;
}

export const isRoomEvent = (logged: Logged): logged is RoomEvent => logged.type.startsWith('room:');

/** The simulation action an entry carries, if any. */
export function simActionOf(logged: Logged): Action | null {
  if (!isRoomEvent(logged)) return logged;
  return logged.type === 'room:act' ? logged.action : null;
}

/** Re-runs a room's simulation from its log; `until` stops after that many simulated seconds. */
export function replaySimulation(scenario: Scenario, seed: number, entries: readonly RoomLogEntry[], until = Infinity): SimState {
  let state = createSimulation(scenario, seed);
  for (const entry of entries) {
    const action = simActionOf(entry.action);
    if (!action) continue;
    if (action.type === 'tick' && state.timeS >= until) break;
    state = reduce(state, action).state;
  }
  return state;
}
