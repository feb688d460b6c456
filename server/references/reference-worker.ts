import type { MessagePort } from 'node:worker_threads';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { ReferenceScore } from './scores.ts';
import { referenceScores } from './scores.ts';

/** One request to a reference thread. */
export interface ReferenceTask {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly untilS: number;
  /** Told the moment the thread takes the task up, so its time budget leaves out the thread's start-up. */
  readonly started: MessagePort;
}

/** Runs on a pool thread (loaded through reference-worker.mjs): all three policies for one request. */
export default function computeReferences(task: ReferenceTask): ReferenceScore[] {
  task.started.postMessage('started');
  task.started.close();
  return referenceScores(task.scenario, task.seed, task.untilS);
}
