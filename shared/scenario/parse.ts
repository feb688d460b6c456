import type { Scenario } from './schema.ts';
import type { Plan } from './plan.ts';
import { crossCheckScenario, scenarioSchema } from './schema.ts';
import { costProblem } from './cost.ts';
import { planSchema } from './plan.ts';
import { formatIssues, formatPath } from './errors.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Validates a scenario, listing every problem by path; never throws. */
export function parseScenario(input: unknown): Parsed<Scenario> {
  // reportInput: zod 4 leaves the offending value out of issues unless asked, and errors.ts needs
  // it to tell a missing field ("is required") from one of the wrong type ("must be an array").
  const result = scenarioSchema.safeParse(input, { reportInput: true });
  const cross = crossCheckScenario(input).map((p) => `${formatPath(p.path)}: ${p.message}`);
  const errors = [...(result.success ? [] : formatIssues(result.error)), ...cross];
  if (!result.success || errors.length > 0) return { ok: false, errors };
  // Only a valid scenario has a size worth measuring; the debrief simulates it three times over.
  const tooBig = costProblem(result.data);
  return tooBig ? { ok: false, errors: [`scenario: ${tooBig}`] } : { ok: true, value: result.data };
}

/** Validates a plan file's shape. Ids are checked when it runs: a bad one is a rejection in the report. */
export function parsePlan(input: unknown): Parsed<Plan> {
  const result = planSchema.safeParse(input, { reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: formatIssues(result.error) };
}
