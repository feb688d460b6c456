import type { Scenario } from '../../shared/scenario/schema.ts';
import type { ReferenceScore } from './scores.ts';

/** Why a request got no scores. */
export const REFERENCE_FAILURES = {
  /** The computation overran its time budget; its thread was stopped. */
  timeout: 'timeout',
  /** Too many requests were already waiting for a thread. */
  busy: 'busy',
  /** The computation threw, or its thread died. */
  failed: 'failed',
  /** The runner was closed before or while the request ran. */
  closed: 'closed',
} as const;
export type ReferenceFailure = (typeof REFERENCE_FAILURES)[keyof typeof REFERENCE_FAILURES];

export type ReferenceOutcome =
  | { readonly ok: true; readonly references: readonly ReferenceScore[] }
  | { readonly ok: false; readonly reason: ReferenceFailure; readonly message: string };

/** Computes the debrief's reference scores somewhere that does not hold up the rooms. */
export interface ReferenceRunner {
  /**
   * The reference policies' scores on this scenario and seed over its first untilS seconds (events
   * at or after untilS dropped), as the debrief shows them. Never rejects.
   */
  run(scenario: Scenario, seed: number, untilS: number): Promise<ReferenceOutcome>;
  /** Stops all work; pending and later requests resolve `closed`. */
  close(): Promise<void>;
}

export const closedOutcome = (): ReferenceOutcome => ({ ok: false, reason: 'closed', message: 'the reference runner is closed' });

/** A request the engine cannot run, as a message; null when it can. */
export function invalidRequest(seed: number, untilS: number): string | null {
  if (!Number.isFinite(seed)) return `seed must be a finite number, not ${seed}`;
  if (!Number.isInteger(untilS) || untilS < 1) return `untilS must be a whole number of seconds from 1, not ${untilS}`;
  return null;
}
