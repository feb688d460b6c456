import type { Action, ClusterState, Phase, PlayerAction, Rejection, SimState, StepResult, TeacherAction } from './types.ts';
import { scenarioEventSchema } from '../scenario/schema.ts';
import { LIMITS } from './limits.ts';
import { applyPlayerAction } from './placement.ts';
import { reject, type RejectionCode } from './rejection.ts';
import { clusterOf, newCluster } from './state.ts';
import { tick } from './tick.ts';

const ok = (state: SimState): StepResult => ({ state, rejection: null, created: null });
const refuse = (state: SimState, rejection: Rejection): StepResult => ({ state, rejection, created: null });
const no = (state: SimState, code: RejectionCode, message: string): StepResult => refuse(state, reject(code, null, message));

/**
 * The whole simulation: `(state, action) -> state`. Pure and deterministic; a refused action
 * returns the very same state object and says why.
 */
export function reduce(state: SimState, action: Action): StepResult {
  switch (action.type) {
    case 'tick':
      return tick(state);
    case 'addCluster':
      return addCluster(state, action.clusterId, action.name);
    case 'removeCluster':
      return removeCluster(state, action.clusterId);
    case 'start':
    case 'pause':
    case 'resume':
    case 'setSpeed':
    case 'injectEvent':
    case 'nextPhase':
    case 'kick':
    case 'lock':
    case 'end':
      return teacher(state, action);
    case 'configureHost':
    case 'createVm':
    case 'deleteVm':
    case 'deploy':
    case 'remove':
    case 'setLimits':
    case 'ready':
    case 'migrateVm':
    case 'snapshotVm':
    case 'restoreVm':
    case 'attachVolume':
      return player(state, action);
    default: {
      const never: never = action;
      return no(state, 'unknown-action', `Unknown action ${JSON.stringify((never as { type: unknown }).type)}.`);
    }
  }
}

function addCluster(state: SimState, clusterId: string, name: string | undefined): StepResult {
  if (state.phase === 'debrief' || state.phase === 'ended') return no(state, 'bad-phase', 'This session has finished; no one can join it now.');
  if (state.locked) return no(state, 'room-locked', 'The teacher has locked this session; ask them to unlock it.');
  if (typeof clusterId !== 'string' || clusterId.length === 0 || clusterId.length > 64) return no(state, 'bad-value', 'A cluster id is 1 to 64 characters.');
  if (clusterOf(state, clusterId)) return no(state, 'cluster-exists', `There is already a cluster "${clusterId}".`);
  if (state.clusterOrder.length >= LIMITS.clusters) return no(state, 'room-full', `A session holds at most ${LIMITS.clusters} clusters.`);
  const cluster = newCluster(state, clusterId, name ?? clusterId);
  return ok({ ...state, clusters: { ...state.clusters, [clusterId]: cluster }, clusterOrder: [...state.clusterOrder, clusterId] });
}

/**
 * Takes an untouched cluster out again, in the lobby only (a seat that was never used is freed):
 * nothing was simulated on it, so no score or history is lost.
 */
function removeCluster(state: SimState, clusterId: string): StepResult {
  const cluster = clusterOf(state, clusterId);
  if (!cluster) return no(state, 'unknown-cluster', `There is no cluster "${clusterId}" in this session.`);
  if (state.phase !== 'lobby') return no(state, 'bad-phase', 'A cluster can be taken out only in the lobby.');
  if (cluster.instances.length > 0 || cluster.vms.length > 0 || cluster.retired.length > 0) return no(state, 'bad-value', `Cluster "${clusterId}" has been played on; it stays.`);
  const { [clusterId]: _removed, ...clusters } = state.clusters;
  return ok({ ...state, clusters, clusterOrder: state.clusterOrder.filter((id) => id !== clusterId) });
}

function player(state: SimState, action: PlayerAction): StepResult {
  const step = playerStep(state, clusterOf(state, action.clusterId), action);
  if (step.rejection) return refuse(state, step.rejection);
  return step.cluster ? { state: withCluster(state, step.cluster), rejection: null, created: step.created } : ok(state);
}

/** What a player action does to its own cluster alone: the cluster it leaves (null: unchanged), or why not. */
export interface PlayerStep {
  readonly cluster: ClusterState | null;
  readonly rejection: Rejection | null;
  readonly created: StepResult['created'];
}

/**
 * A player action on `cluster` (the action's own, as it is now), without building the new room
 * state: a player action changes only its own cluster, so a room of thousands can apply many and
 * put them into one state with `withClusters` (copying a room's clusters costs about half a
 * microsecond per cluster). `reduce` is this followed by that, one action at a time.
 */
export function playerStep(state: SimState, cluster: ClusterState | undefined, action: PlayerAction): PlayerStep {
  const no = (code: RejectionCode, message: string): PlayerStep => ({ cluster: null, rejection: reject(code, null, message), created: null });
  if (!cluster || cluster.id !== action.clusterId) return no('unknown-cluster', `There is no cluster "${action.clusterId}" in this session.`);
  if (cluster.kicked) return no('cluster-kicked', 'This cluster was removed from the session by the teacher.');
  // Players may plan in the lobby and think while paused: the clock, not the mouse, is the game.
  if (state.phase === 'debrief' || state.phase === 'ended') {
    return no('not-running', state.phase === 'debrief' ? 'The scenario is over: time for the debrief.' : 'The session has ended.');
  }
  if (action.type === 'deploy' && cluster.instances.length >= LIMITS.instancesPerCluster) {
    return { cluster: null, rejection: reject('too-many-instances', 'capacity', `A cluster holds at most ${LIMITS.instancesPerCluster} instances; remove some first.`), created: null };
  }
  if (action.type === 'createVm' && cluster.vms.length >= LIMITS.vmsPerCluster) {
    return { cluster: null, rejection: reject('too-many-vms', 'capacity', `A cluster holds at most ${LIMITS.vmsPerCluster} VMs; delete some first.`), created: null };
  }
  const outcome = applyPlayerAction(state, cluster, action);
  if ('rejection' in outcome) return { cluster: null, rejection: outcome.rejection, created: null };
  if (outcome.cluster === cluster) return { cluster: null, rejection: null, created: null };
  return { cluster: outcome.cluster, rejection: null, created: outcome.created ?? null };
}

/** The state with these clusters (each already in it) replaced: one copy of the room's clusters for all of them. */
export function withClusters(state: SimState, clusters: Iterable<ClusterState>): SimState {
  // fromEntries and spread define own properties: an id "__proto__" stays a cluster, never the prototype.
  return { ...state, clusters: { ...state.clusters, ...Object.fromEntries([...clusters].map((c) => [c.id, c])) } };
}

const withCluster = (state: SimState, cluster: ClusterState): SimState => ({ ...state, clusters: { ...state.clusters, [cluster.id]: cluster } });

function teacher(state: SimState, action: TeacherAction): StepResult {
  const phase = state.phase;
  const from = (allowed: Phase[], to: Phase, what: string): StepResult =>
    allowed.includes(phase) ? ok({ ...state, phase: to }) : no(state, 'bad-phase', `Cannot ${what} while the session is ${phase}.`);
  switch (action.type) {
    case 'start':
      return from(['lobby'], 'running', 'start');
    case 'pause':
      return from(['running'], 'paused', 'pause');
    case 'resume':
      return from(['paused'], 'running', 'resume');
    case 'nextPhase': {
      const next: Partial<Record<Phase, Phase>> = { lobby: 'running', running: 'debrief', paused: 'debrief', debrief: 'ended' };
      const to = next[phase];
      return to ? ok({ ...state, phase: to }) : no(state, 'bad-phase', 'The session has already ended.');
    }
    case 'end':
      return phase === 'ended' ? no(state, 'bad-phase', 'The session has already ended.') : ok({ ...state, phase: 'ended' });
    case 'setSpeed': {
      const { speed } = action;
      if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < LIMITS.minSpeed || speed > LIMITS.maxSpeed) {
        return no(state, 'bad-value', `Speed must be between ${LIMITS.minSpeed}× and ${LIMITS.maxSpeed}×.`);
      }
      return ok({ ...state, speed });
    }
    case 'lock':
      return ok({ ...state, locked: action.locked ?? true });
    case 'kick': {
      const cluster = clusterOf(state, action.clusterId);
      if (!cluster) return no(state, 'unknown-cluster', `There is no cluster "${action.clusterId}" in this session.`);
      if (cluster.kicked) return ok(state);
      return ok(withCluster(state, { ...cluster, kicked: true }));
    }
    case 'injectEvent':
      return injectEvent(state, action.event);
    default: {
      const never: never = action;
      return no(state, 'unknown-action', `Unknown action ${JSON.stringify((never as { type: unknown }).type)}.`);
    }
  }
}

function injectEvent(state: SimState, event: unknown): StepResult {
  if (state.phase !== 'running' && state.phase !== 'paused') return no(state, 'bad-phase', 'Events can be injected only while the session is running or paused.');
  if (state.injected.length >= LIMITS.injectedEvents || state.fired.length >= LIMITS.injectedEvents + state.scenario.events.length) {
    return no(state, 'too-many-events', 'This session has had as many injected events as it can take.');
  }
  const parsed = scenarioEventSchema.safeParse({ ...(event as object), atS: state.timeS });
  if (!parsed.success) return no(state, 'bad-value', `That event is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ')}.`);
  const e = parsed.data;
  if ('appId' in e && !state.scenario.apps.some((a) => a.id === e.appId)) return no(state, 'unknown-app', `There is no app "${e.appId}" in this scenario.`);
  if ('hostId' in e && !state.scenario.hosts.some((h) => h.id === e.hostId)) return no(state, 'unknown-host', `There is no host "${e.hostId}" in this scenario.`);
  return ok({ ...state, injected: [...state.injected, e] });
}
