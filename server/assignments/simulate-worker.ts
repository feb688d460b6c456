import { runTask, type SimulationTask } from './tasks.ts';

/** Runs on a pool thread (loaded through simulate-worker.mjs): one re-simulation. */
export default function simulate(task: SimulationTask): ReturnType<typeof runTask> {
  return runTask(task);
}
