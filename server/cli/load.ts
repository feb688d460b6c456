import { readFileSync } from 'node:fs';
import type { PlanAction, PolicyName } from '../../shared/engine/index.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import { POLICIES } from '../../shared/engine/index.ts';
import { parsePlan, parseScenario } from '../../shared/scenario/parse.ts';
import { SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
import { CliError } from './errors.ts';

export type PlanSource = { policy: PolicyName } | { plan: readonly PlanAction[]; file: string };

const isPolicy = (value: string): value is PolicyName => (POLICIES as readonly string[]).includes(value);

/** `--scenario`: a built-in id first, else a path to a scenario JSON file. */
export function loadScenario(ref: string): Scenario {
  const builtIn = getScenario(ref);
  if (builtIn) return builtIn;
  const input = readJson(ref, 'scenario', () =>
    looksLikePath(ref) ? `there is no scenario file "${ref}"` : `no built-in scenario has the id "${ref}" (built-ins: ${SCENARIOS.map((s) => s.id).join(', ')}), and there is no file "${ref}"`,
  );
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new CliError('input', invalid('scenario', ref, parsed.errors));
  return parsed.value;
}

/** `--plan`: a reference policy name first, else a path to a plan JSON file. */
export function loadPlan(ref: string): PlanSource {
  if (isPolicy(ref)) return { policy: ref };
  const input = readJson(ref, 'plan', () => `there is no plan file "${ref}" (a plan is a JSON file, or one of the policies ${POLICIES.join(', ')})`);
  const parsed = parsePlan(input);
  if (!parsed.ok) throw new CliError('input', invalid('plan', ref, parsed.errors));
  return { plan: parsed.value.actions, file: ref };
}

const looksLikePath = (ref: string): boolean => /[\\/]|\.json$/i.test(ref);

function invalid(what: string, path: string, errors: readonly string[]): string {
  return [`${what} file "${path}" is invalid (${errors.length} problem${errors.length === 1 ? '' : 's'}):`, ...errors.map((e) => `  ${e}`)].join('\n');
}

function readJson(path: string, what: string, missing: () => string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError('input', missing());
    const reason = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new CliError('input', `cannot read ${what} file "${path}": ${reason}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError('input', `${what} file "${path}" is not valid JSON: ${(error as Error).message}`);
  }
}
