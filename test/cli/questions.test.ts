import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONCEPTS } from '../../shared/engine/concepts.ts';
import { QUESTIONS, bankSchema } from '../../shared/learning/index.ts';

// `clusterclass questions`, run as a teacher runs it: a real process, its stdout and exit code.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAUNCHER = join(ROOT, 'server/cli/clusterclass.mjs');

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LAUNCHER, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

describe('clusterclass questions', () => {
  it('--json prints the whole bank, valid against its schema, on every concept', async () => {
    const run = await cli('questions', '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const list: unknown = JSON.parse(run.stdout);
    expect(Array.isArray(list)).toBe(true);
    for (const item of list as object[]) expect(Object.keys(item).sort()).toEqual(['answer', 'choices', 'concept', 'explanation', 'id', 'prompt']);
    // The bank's schema also wants each question's kind: the CLI leaves it out, as it follows from the choices.
    const withKind = (list as { choices: string[] }[]).map((q) => ({ ...q, kind: q.choices.join() === 'True,False' ? 'true-false' : 'choice' }));
    const parsed = bankSchema.safeParse(withKind);
    expect(parsed.success, parsed.error?.message).toBe(true);
    expect(parsed.data).toEqual(QUESTIONS);
    expect(new Set(parsed.data!.map((q) => q.concept))).toEqual(new Set(CONCEPTS));
  });

  it('prints a readable list grouped by concept, with each right answer marked', async () => {
    const run = await cli('questions');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^${QUESTIONS.length} questions on ${CONCEPTS.length} concepts`));
    const headings = run.stdout.split('\n').filter((line) => /^[a-z-]+ \(\d+ questions\)$/.test(line));
    expect(headings.map((h) => h.split(' ')[0])).toEqual([...CONCEPTS]);
    for (const q of QUESTIONS) expect(run.stdout).toContain(`${q.id}: `);
    const marked = run.stdout.split('\n').filter((line) => /^ {4}\* {2}[A-E]\. /.test(line));
    expect(marked).toHaveLength(QUESTIONS.length);
  });

  it('refuses an unknown option with a usage error', async () => {
    const run = await cli('questions', '--answers');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("questions: Unknown option '--answers'");
  });
});
