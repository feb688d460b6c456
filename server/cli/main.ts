import { parseArgs } from 'node:util';
import { buildReport, runScenario } from '../../shared/engine/index.ts';
import { POLICIES } from '../../shared/engine/index.ts';
import { CONCEPTS } from '../../shared/engine/concepts.ts';
import { QUESTIONS } from '../../shared/learning/bank.ts';
import { SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
import { expertPlan } from '../../shared/scenario/library/plans/index.ts';
import { readVersion } from '../version.ts';
import { CliError } from './errors.ts';
import { loadPlan, loadScenario } from './load.ts';
import { formatSummary } from './summary.ts';
import { table, wrap } from './text.ts';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const MAX_SEED = 2 ** 32 - 1;

const HELP = `clusterclass: run ClusterClass scenarios without a server

Usage:
  clusterclass scenarios [--json]
      List the built-in scenarios (--json: [{id, title, summary}]).
  clusterclass questions [--json]
      List the concept-check question bank, by concept, with answers
      (--json: [{id, concept, prompt, choices, answer, explanation}]).
  clusterclass show <id>
      Print a built-in scenario as JSON: a template for writing your own.
  clusterclass sim --scenario <id|file> --plan <file|${POLICIES.join('|')}|expert> [--seed <n>] [--json]
      Run one cluster through a whole scenario and report how it did.
        --scenario  a built-in scenario id, else a path to a scenario JSON file
        --plan      a reference policy, "expert" (a built-in scenario's expert plan, which follows
                    its debrief), else a path to a plan JSON file {"actions": [...]}
        --seed      a whole number from 0 to ${MAX_SEED} (default 1); same seed, same result
        --json      print only the JSON report on stdout
  clusterclass help | --help | --version

Exit codes: 0 it ran (rejected actions are part of the report), 2 bad arguments or input files.
`;

type Command = (args: string[], io: Io) => number;

const COMMANDS: Record<string, Command> = {
  scenarios: listScenarios,
  questions: listQuestions,
  show: showScenario,
  sim: simulate,
  help: (_args, io) => {
    io.stdout(HELP);
    return 0;
  },
};

/** Runs the CLI on argv (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === '--help' || name === '-h') return COMMANDS.help!(rest, io);
    if (name === '--version' || name === '-v') {
      io.stdout(`${readVersion()}\n`);
      return 0;
    }
    if (name === undefined) throw new CliError('usage', 'no command given');
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new CliError('usage', `unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return command(rest, io);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.stderr(`clusterclass: ${error.message}\n`);
    if (error.code === 'usage') io.stderr('Run "clusterclass --help" for usage.\n');
    return error.exitCode;
  }
}

/** node:util parseArgs, with its errors turned into usage errors that name the command. */
function parse<const O extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(command: string, args: string[], options: O, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new CliError('usage', `${command}: ${(error as Error).message}`);
  }
  if (parsed.positionals.length > positionals) throw new CliError('usage', `${command}: unexpected argument "${parsed.positionals[positionals]}"`);
  return parsed;
}

function listScenarios(args: string[], io: Io): number {
  const { values } = parse('scenarios', args, { json: { type: 'boolean' } });
  if (values.help) return COMMANDS.help!([], io);
  const list = SCENARIOS.map(({ id, title, summary }) => ({ id, title, summary }));
  if (values.json) {
    io.stdout(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...list.map((s) => s.id.length));
  const lines = [`${list.length} built-in scenario${list.length === 1 ? '' : 's'}:`, ''];
  for (const s of list) {
    lines.push(...table([[s.id.padEnd(width), s.title]], [], ''));
    lines.push(...wrap(s.summary, 100, ' '.repeat(width + 2)), '');
  }
  lines.push('Run one with: clusterclass sim --scenario <id> --plan greedy');
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** The concept-check bank, for a teacher to read before a class: every question with its answer. */
function listQuestions(args: string[], io: Io): number {
  const { values } = parse('questions', args, { json: { type: 'boolean' } });
  if (values.help) return COMMANDS.help!([], io);
  if (values.json) {
    const list = QUESTIONS.map(({ id, concept, prompt, choices, answer, explanation }) => ({ id, concept, prompt, choices, answer, explanation }));
    io.stdout(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const byConcept = CONCEPTS.map((concept) => ({ concept, questions: QUESTIONS.filter((q) => q.concept === concept) })).filter((c) => c.questions.length > 0);
  const lines = [`${QUESTIONS.length} questions on ${byConcept.length} concepts (the right answer is marked *):`];
  for (const { concept, questions } of byConcept) {
    lines.push('', `${concept} (${questions.length} questions)`);
    for (const q of questions) {
      lines.push('', ...wrap(`${q.id}: ${q.prompt}`, 100, '  '));
      lines.push(...table(q.choices.map((c, i) => [i === q.answer ? '*' : ' ', `${String.fromCharCode(65 + i)}.`, c]), [], '    '));
      lines.push(...wrap(`Why: ${q.explanation}`, 100, '    '));
    }
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function showScenario(args: string[], io: Io): number {
  const { values, positionals } = parse('show', args, {}, 1);
  if (values.help) return COMMANDS.help!([], io);
  const [id] = positionals;
  if (id === undefined) throw new CliError('usage', 'show: which scenario? (clusterclass show <id>)');
  const scenario = getScenario(id);
  if (!scenario) throw new CliError('input', `show: no built-in scenario has the id "${id}" (built-ins: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  io.stdout(`${JSON.stringify(scenario, null, 2)}\n`);
  return 0;
}

function simulate(args: string[], io: Io): number {
  const { values } = parse('sim', args, {
    scenario: { type: 'string' },
    plan: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) return COMMANDS.help!([], io);
  if (values.scenario === undefined) throw new CliError('usage', 'sim: --scenario <id|file> is required');
  if (values.plan === undefined) throw new CliError('usage', `sim: --plan <file|${POLICIES.join('|')}|expert> is required`);
  const seed = parseSeed(values.seed ?? '1');
  const scenario = loadScenario(values.scenario);
  const source = values.plan === EXPERT ? expertSource(values.scenario) : loadPlan(values.plan);

  const result = runScenario(scenario, seed, source);
  const report = buildReport(result.state, result.clusterId, result.rejections);
  if (values.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const weights = result.state.physics.scoreWeights;
  io.stdout(
    formatSummary({
      report,
      scenario,
      source:
        'policy' in source
          ? `${source.policy} (reference policy)`
          : `${values.plan === EXPERT ? source.file : `plan file ${source.file}`} (${source.plan.length} action${source.plan.length === 1 ? '' : 's'})`,
      maxScore: weights.availability + weights.cost + weights.security,
    }),
  );
  return 0;
}

/** `--plan expert`: the plan that follows a built-in scenario's debrief. */
const EXPERT = 'expert';

function expertSource(ref: string): { plan: NonNullable<ReturnType<typeof expertPlan>>; file: string } {
  // A scenario file may reuse a built-in id with other hosts and apps: only the built-in has this plan.
  const plan = getScenario(ref) ? expertPlan(ref) : undefined;
  if (!plan) throw new CliError('usage', `sim: --plan expert needs a built-in scenario, each of which ships one (built-ins: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  return { plan, file: `expert plan for ${ref}` };
}

function parseSeed(text: string): number {
  const seed = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(seed) || seed > MAX_SEED) throw new CliError('usage', `sim: --seed must be a whole number from 0 to ${MAX_SEED}, not "${text}"`);
  return seed;
}
