import type { Scenario, ScenarioInput } from '../schema.ts';
import { parseScenario } from '../parse.ts';
import { backups } from './backups.ts';
import { cloudTenants } from './cloud-tenants.ts';
import { densitySqueeze } from './density-squeeze.ts';
import { flashSale } from './flash-sale.ts';
import { hostFailure } from './host-failure.ts';
import { liftAndShift } from './lift-and-shift.ts';
import { microvmFunctions } from './microvm-functions.ts';
import { noisyNeighbour } from './noisy-neighbour.ts';
import { patchDay } from './patch-day.ts';
import { tutorial } from './tutorial.ts';
import { untrustedTenants } from './untrusted-tenants.ts';

/** The built-in scenarios as authored, in the order a course would use them. */
export const SCENARIO_INPUTS: readonly ScenarioInput[] = [
  tutorial,
  flashSale,
  untrustedTenants,
  cloudTenants,
  liftAndShift,
  patchDay,
  densitySqueeze,
  hostFailure,
  backups,
  noisyNeighbour,
  microvmFunctions,
];

/** The built-in scenarios, validated with every default filled in. */
export const SCENARIOS: readonly Scenario[] = SCENARIO_INPUTS.map((input) => {
  const parsed = parseScenario(input);
  // A broken built-in is a programming error, caught by the library's own tests.
  if (!parsed.ok) throw new Error(`built-in scenario ${input.id} is invalid:\n${parsed.errors.join('\n')}`);
  return parsed.value;
});

export function getScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
