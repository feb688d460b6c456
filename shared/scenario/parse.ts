import type { Scenario } from './schema.ts';
import type { Plan } from './plan.ts';
import { crossCheckScenario, scenarioSchema } from './schema.ts';
import { planSchema } from './plan.ts';
import { formatIssues, formatPath } from './errors.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Validates a scenario, listing every problem by path; never throws. */
export function parseScenario(input: unknown): Parsed<Scenario> {
  const result = scenarioSchema.safeParse(input);
  const cross = crossCheckScenario(input).map((p) => `${formatPath(p.path)}: ${p.message}`);
  const errors = [...(result.success ? [] : formatIssues(result.error)), ...cross];
  return result.success && errors.length === 0 ? { ok: true, value: result.data } : { ok: false, errors };
}

/** Validates a plan file's shape. Ids are checked when it runs: a bad one is a rejection in the report. */
export function parsePlan(input: unknown): Parsed<Plan> {
  const result = planSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: formatIssues(result.error) };
}
