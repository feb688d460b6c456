export type { ReferenceFailure, ReferenceOutcome, ReferenceRunner } from './runner.ts';
export { REFERENCE_FAILURES } from './runner.ts';
export type { ReferenceScore } from './scores.ts';
export { referenceScores, scenarioUntil } from './scores.ts';
export type { PooledReferenceRunnerOptions, ReferenceRunnerStats } from './pooled-runner.ts';
export { PooledReferenceRunner, defaultReferenceThreads, requestKey } from './pooled-runner.ts';
export { InlineReferenceRunner } from './inline-runner.ts';
