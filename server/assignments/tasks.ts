import type { PlanAction } from '../../shared/engine/run.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { RoomLogEntry } from '../../shared/replay/log.ts';
import type { ClassReport } from '../reports/class-report.ts';
import { attemptReport, type AssignmentFacts, type AttemptFacts } from './report.ts';
import { attemptLog, scoreAttempt, type AttemptLogInput } from './simulate.ts';
import type { AttemptResult } from './types.ts';

/** One re-simulation, as a thread is asked for it: plain data both ways. */
export type SimulationTask =
  | { readonly kind: 'score'; readonly scenario: Scenario; readonly seed: number; readonly plan: readonly PlanAction[] }
  | { readonly kind: 'attemptReport'; readonly assignment: AssignmentFacts; readonly attempt: AttemptFacts }
  | { readonly kind: 'log'; readonly input: AttemptLogInput };

export interface SimulationResults {
  readonly score: AttemptResult;
  readonly attemptReport: ClassReport;
  readonly log: RoomLogEntry[];
}

export type TaskOf<K extends SimulationTask['kind']> = Extract<SimulationTask, { kind: K }>;

export function runTask(task: SimulationTask): SimulationResults[SimulationTask['kind']] {
  switch (task.kind) {
    case 'score':
      return scoreAttempt(task.scenario, task.seed, task.plan);
    case 'attemptReport':
      return attemptReport(task.assignment, task.attempt);
    case 'log':
      return attemptLog(task.input).log;
    default: {
      const never: never = task;
      throw new Error(`unknown simulation task ${JSON.stringify(never)}`);
    }
  }
}
