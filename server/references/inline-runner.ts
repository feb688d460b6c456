import type { Scenario } from '../../shared/scenario/schema.ts';
import type { ReferenceOutcome, ReferenceRunner } from './runner.ts';
import { closedOutcome, invalidRequest } from './runner.ts';
import { referenceScores } from './scores.ts';

/**
 * Computes on the calling thread, blocking it for the whole run: for tests and command-line tools,
 * never for a server with rooms on it (see PooledReferenceRunner).
 */
export class InlineReferenceRunner implements ReferenceRunner {
  private closed = false;

  run(scenario: Scenario, seed: number, untilS: number): Promise<ReferenceOutcome> {
    if (this.closed) return Promise.resolve(closedOutcome());
    const invalid = invalidRequest(seed, untilS);
    if (invalid) return Promise.resolve({ ok: false, reason: 'failed', message: invalid });
    try {
      return Promise.resolve({ ok: true, references: referenceScores(scenario, seed, untilS) });
    } catch (error) {
      return Promise.resolve({ ok: false, reason: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
