/**
 * "What if" branches of a replay, run in this browser only: a branch starts from the state at one
 * second for one cluster, the student changes decisions on the board, and the engine plays the
 * rest with what the original did later (the teacher's events, the class's moves, and, if kept,
 * the cluster's own). Nothing here is sent anywhere; the timeline's states are never changed (the
 * engine returns new states).
 */
import type { Action, Incident, IncidentType, PlayerAction, SimState } from '../../../shared/engine/types.ts';
import { PLAYER_ACTION_TYPES } from '../../../shared/engine/types.ts';
import type { RecordedRejection } from '../../../shared/engine/run.ts';
import { reduce } from '../../../shared/engine/reducer.ts';
import { computeScore, type Score } from '../../../shared/engine/score.ts';
import { clusterOf } from '../../../shared/engine/state.ts';
import type { PlayerActionInput } from '../../../shared/protocol/index.ts';
import type { StudentView } from '../../../shared/views/types.ts';
import { LocalGame, type LocalActReply, type ScheduledAction } from './local-game.ts';

/** An action the original applied after the branch second, with whether it is the branch cluster's own move. */
export interface BranchStep extends ScheduledAction {
  readonly own: boolean;
}

/** Where a branch starts and what it replays of the original. */
export interface BranchPlan {
  /** The state at the branch second (the timeline's: shared, never changed). */
  readonly start: SimState;
  readonly clusterId: string;
  readonly fromS: number;
  /** The original's last second: the branch stops there too. */
  readonly endS: number;
  readonly steps: readonly BranchStep[];
}

const PLAYER_TYPES: ReadonlySet<string> = new Set(PLAYER_ACTION_TYPES);
const isPlayerAction = (action: Action): action is PlayerAction => PLAYER_TYPES.has(action.type);

/**
 * The second each logged action was applied at. A room logs only accepted actions, so every
 * logged tick moved the clock one second: an action's second is the end's less the ticks from it on.
 */
export function actionSeconds(actions: readonly Action[], endS: number): number[] {
  const seconds = new Array<number>(actions.length);
  let ticks = 0;
  for (let i = actions.length - 1; i >= 0; i--) {
    if (actions[i]!.type === 'tick') ticks++;
    seconds[i] = endS - ticks;
  }
  return seconds;
}

/**
 * What a branch from second `fromS` replays of the original's later actions (those at seconds
 * after it: everything at `fromS` itself is in the state already), in log order:
 * - not the ticks: the branch has its own clock;
 * - not pause and resume: no time passes while paused, so a pause and its resume fall in the same
 *   second and change nothing the cluster lives through, and a pause never resumed would stop the branch;
 * - the cluster's own moves only with `keepOwnMoves`;
 * - everything else: the teacher's events, pace and end, and the other clusters' moves (so the
 *   class standings around the branch are the class's as it played).
 * An original that stopped without ending (the session closed while it ran) gets an end at its
 * last second, so the branch stops where the original did.
 */
export function branchPlan(start: SimState, clusterId: string, original: { readonly actions: readonly Action[]; readonly final: SimState }, keepOwnMoves: boolean): BranchPlan {
  const fromS = start.timeS;
  const endS = original.final.timeS;
  const seconds = actionSeconds(original.actions, endS);
  const steps: BranchStep[] = [];
  original.actions.forEach((action, i) => {
    const atS = seconds[i]!;
    if (atS <= fromS || action.type === 'tick' || action.type === 'pause' || action.type === 'resume') return;
    const own = isPlayerAction(action) && action.clusterId === clusterId;
    if (own && !keepOwnMoves) return;
    steps.push({ atS, action, own });
  });
  const { phase } = original.final;
  if (phase === 'running' || phase === 'paused') steps.push({ atS: endS, action: { type: 'end' }, own: false });
  return { start, clusterId, fromS, endS, steps };
}

/** One of the cluster's own later moves that the engine refused in the branch (the cluster was not as it had been). */
export interface RefusedMove {
  readonly atS: number;
  readonly action: PlayerAction;
  readonly message: string;
}

/**
 * A running branch: a LocalGame from the branch state with the original's later actions
 * scheduled. The board's moves go through `act`; `tick` moves the clock one second.
 */
export class Branch {
  readonly game: LocalGame;
  private readonly _refused: RefusedMove[] = [];
  /** The next step the game has not applied yet (the game applies them in this same order). */
  private _next = 0;

  constructor(readonly plan: BranchPlan) {
    this.game = LocalGame.from(plan.start, plan.clusterId, plan.steps);
  }

  get state(): SimState {
    return this.game.state;
  }

  get timeS(): number {
    return this.game.timeS;
  }

  get over(): boolean {
    return this.game.over;
  }

  /** The cluster's own kept moves that the engine refused this time, oldest first. */
  get refused(): readonly RefusedMove[] {
    return this._refused;
  }

  /** The moves made on the branch's board (the what-if's changes), accepted ones only. */
  get changes(): LocalGame['log'] {
    return this.game.log;
  }

  /** The board's refusals in the branch. */
  get rejections(): readonly RecordedRejection[] {
    return this.game.rejections;
  }

  act(action: PlayerActionInput): LocalActReply {
    return this.game.act(action);
  }

  /**
   * One second. The game applies the steps due now and then ticks; to tell which kept moves it
   * refused, the same steps are reduced here first, in the same order from the same state (the
   * engine is pure, so the answers are the game's).
   */
  tick(): void {
    if (this.game.over) return;
    const t = this.game.timeS;
    const { steps } = this.plan;
    let state = this.game.state;
    while (this._next < steps.length && steps[this._next]!.atS <= t) {
      const step = steps[this._next++]!;
      const r = reduce(state, step.action);
      if (r.rejection && step.own && isPlayerAction(step.action)) this._refused.push({ atS: step.atS, action: step.action, message: r.rejection.message });
      state = r.state;
    }
    this.game.tick();
  }

  /** Plays the rest; bounded by the original's length. */
  runToEnd(): void {
    for (let guard = this.plan.endS - this.game.timeS + 2; guard > 0 && !this.game.over; guard--) this.tick();
  }

  view(you: StudentView['you'], references: StudentView['references']): StudentView {
    return this.game.view(you, references);
  }
}

/** A score's four parts, as the board and the debrief show them. */
export interface ScoreParts {
  readonly total: number;
  readonly availability: number;
  readonly cost: number;
  readonly security: number;
}

const PARTS = ['total', 'availability', 'cost', 'security'] as const;

/** An incident with the points it cost in its own run. */
export interface ScoredIncident {
  readonly incident: Incident;
  /** Points it cost (≤ 0); 0 for a notice. */
  readonly points: number;
}

/** One event's outcome (incidents of one type at one second) that differs between the two runs. */
export interface IncidentChange {
  readonly atS: number;
  readonly type: IncidentType;
  /** What it did in the original; empty: it did nothing there. */
  readonly original: readonly ScoredIncident[];
  /** What it did in the branch; empty: it did nothing there. */
  readonly branch: readonly ScoredIncident[];
}

export interface BranchComparison {
  readonly original: Score;
  readonly branch: Score;
  /** Branch minus original, per part. */
  readonly delta: ScoreParts;
  /** Incidents after the branch second that differ, in time order. */
  readonly incidents: readonly IncidentChange[];
}

/** What tells two incidents apart, beside their second and type (their seq numbers differ between runs). */
const signature = (i: Incident): string => JSON.stringify([[...i.appIds].sort(), i.securityPenalty, i.cost, i.message]);

/**
 * The branch's end against the original's, for one cluster: scores, their differences, and the
 * incidents after `fromS` that happened in only one of them or differently.
 */
export function compareBranch(clusterId: string, fromS: number, original: SimState, branch: SimState): BranchComparison {
  const a = clusterOf(original, clusterId);
  const b = clusterOf(branch, clusterId);
  if (!a || !b) throw new Error(`cluster ${clusterId} is missing from a run`);
  const scoreA = computeScore(original, a);
  const scoreB = computeScore(branch, b);
  const delta = Object.fromEntries(PARTS.map((p) => [p, scoreB[p] - scoreA[p]])) as unknown as ScoreParts;

  const scored = (incidents: readonly Incident[], score: Score): Map<string, ScoredIncident[]> => {
    const points = new Map(score.incidents.map((i) => [i.seq, i.points]));
    const groups = new Map<string, ScoredIncident[]>();
    for (const incident of incidents) {
      if (incident.atS <= fromS) continue;
      const key = `${incident.atS}|${incident.type}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push({ incident, points: points.get(incident.seq) ?? 0 });
    }
    return groups;
  };
  const before = scored(a.incidents, scoreA);
  const after = scored(b.incidents, scoreB);
  const changes: IncidentChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const x = before.get(key) ?? [];
    const y = after.get(key) ?? [];
    const same = x.map((s) => signature(s.incident)).sort().join('\n') === y.map((s) => signature(s.incident)).sort().join('\n');
    if (same) continue;
    const first = (x[0] ?? y[0])!.incident;
    changes.push({ atS: first.atS, type: first.type, original: x, branch: y });
  }
  changes.sort((p, q) => p.atS - q.atS || p.type.localeCompare(q.type));
  return { original: scoreA, branch: scoreB, delta, incidents: changes };
}

/** What an incident did, in a few words: "breached Billing and Portal", or null for a notice that hit nothing. */
function whatItDid(items: readonly ScoredIncident[], appName: (id: string) => string): string | null {
  const apps = [...new Set(items.flatMap((s) => s.incident.appIds))].map(appName);
  if (apps.length === 0) return null;
  const type = items[0]!.incident.type;
  const verb = type === 'kernelExploit' || type === 'hypervisorEscape' ? 'breached' : type === 'dataLoss' ? 'lost data of' : 'hit';
  return `${verb} ${listOf(apps)}`;
}

const listOf = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * One line for a changed incident, such as "The Kernel exploit at 7:30 no longer breached Billing."
 * `label` is the incident's name ("Kernel exploit"), `at` its time as the board writes it.
 */
export function describeChange(change: IncidentChange, label: string, at: string, appName: (id: string) => string): string {
  const was = whatItDid(change.original, appName);
  const now = whatItDid(change.branch, appName);
  const what = `${label} at ${at}`;
  if (change.branch.length === 0) return was ? `${what} no longer ${was}.` : `${what} no longer happens.`;
  if (change.original.length === 0) return now ? `${what} now ${now} (it did not in the original).` : `${what} now happens (it did not in the original).`;
  if (was && !now) return `${what} no longer ${was}: nothing was reached this time.`;
  if (!was && now) return `${what} now ${now}; in the original it reached nothing.`;
  if (was && now && was !== now) return `${what} ${was} in the original, and ${now.replace(/^(breached|hit|lost data of) /, '')} in the what-if.`;
  return `${what} turned out differently.`;
}
