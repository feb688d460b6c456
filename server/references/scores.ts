// The reference policies' scores are computed by the shared engine, the same in the browser's replay.
export { referenceScores, scenarioUntil, withInjected, type ReferenceScore } from '../../shared/engine/references.ts';
