import type { Logged } from '../../shared/replay/log.ts';
import type { LogEntry, Replay, RoomMeta, Snapshot } from '../storage/store.ts';

/** A replay as anyone with its link may see it: no host or projector key, no resume tokens, no devices. */
export interface PublicReplay {
  readonly meta: Omit<RoomMeta, 'hostToken' | 'projectorToken'>;
  readonly log: readonly LogEntry[];
  readonly snapshots: readonly { readonly seq: number; readonly atS: number }[];
}

export function publicReplay(replay: Replay): PublicReplay {
  const { hostToken: _secret, projectorToken: _projector, ...meta } = replay.meta;
  const answerers = new Map<string, string>();
  return {
    meta,
    log: replay.log.map((e) => ({ ...e, action: scrub(e.action, answerers) })),
    snapshots: replay.snapshots.map((s) => ({ seq: s.seq, atS: s.atS })),
  };
}

/**
 * A seat's secrets are for reconnecting; a replay needs only who sat down. A concept check's
 * answers keep the class's figures but not who gave them (docs/PRIVACY.md: results per student
 * are only in the teacher's report): each answerer gets an id of its own that no seat has.
 */
function scrub(action: Logged, answerers: Map<string, string>): Logged {
  if (action.type === 'room:answer') {
    let by = answerers.get(action.playerId);
    if (by === undefined) answerers.set(action.playerId, (by = `answerer-${answerers.size + 1}`));
    return { ...action, playerId: by };
  }
  if (action.type !== 'room:seat') return action;
  return { ...action, resumeToken: '', deviceId: null, key: '' };
}

/** The simulation of one snapshot, without the room's roster (which holds resume tokens). */
export function publicSnapshot(snapshot: Snapshot): { seq: number; atS: number; state: unknown } {
  const state = snapshot.state as { sim?: unknown };
  return { seq: snapshot.seq, atS: snapshot.atS, state: state.sim ?? null };
}
