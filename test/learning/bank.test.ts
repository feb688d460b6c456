import { describe, expect, it } from 'vitest';
import { CONCEPTS, type Concept } from '../../shared/engine/concepts.ts';
import {
  CHECK_SIZE,
  CHECK_STAGES,
  QUESTIONS,
  bankSchema,
  conceptGains,
  gainsBy,
  mark,
  normalisedGain,
  pickCheck,
  prompts,
  questionById,
  questionSchema,
  scenarioConcepts,
  type KeptAnswer,
  type Question,
} from '../../shared/learning/index.ts';
import { SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';

const SEEDS = [0, 1, 2, 7, 42, 1234, 2 ** 31 - 1, 2 ** 32 - 1, 987_654_321_012];
const conceptsOf = (qs: readonly Question[]) => qs.map((q) => q.concept).sort();
const scenario = (id: string): Scenario => {
  const s = getScenario(id);
  if (!s) throw new Error(`no built-in scenario ${id}`);
  return s;
};

describe('the question bank', () => {
  it('passes its schema', () => {
    const parsed = bankSchema.safeParse(QUESTIONS);
    expect(parsed.success, parsed.error?.message).toBe(true);
  });

  it('has at least four questions on every concept', () => {
    for (const concept of CONCEPTS) expect(QUESTIONS.filter((q) => q.concept === concept).length, concept).toBeGreaterThanOrEqual(4);
  });

  it('has unique ids, each after its concept, and no prompt twice', () => {
    expect(new Set(QUESTIONS.map((q) => q.id)).size).toBe(QUESTIONS.length);
    for (const q of QUESTIONS) expect(q.id).toMatch(new RegExp(`^${q.concept}-\\d+$`));
    expect(new Set(QUESTIONS.map((q) => q.prompt.toLowerCase())).size).toBe(QUESTIONS.length);
  });

  it('has every answer in range, and phone-sized text', () => {
    for (const q of QUESTIONS) {
      expect(Number.isInteger(q.answer) && q.answer >= 0 && q.answer < q.choices.length, q.id).toBe(true);
      expect(q.prompt.length, q.id).toBeLessThanOrEqual(200);
      for (const c of q.choices) expect(c.length, `${q.id}: ${c}`).toBeLessThanOrEqual(100);
      if (q.kind === 'true-false') expect(q.choices).toEqual(['True', 'False']);
      else expect(q.choices.length, q.id).toBeGreaterThanOrEqual(3);
    }
  });

  it('does not always put the right answer in one place', () => {
    const choice = QUESTIONS.filter((q) => q.kind === 'choice');
    const atFirst = choice.filter((q) => q.answer === 0).length;
    // No position holds more than half the right answers; true-false has both truths and falsehoods.
    for (let i = 0; i < 4; i++) expect(choice.filter((q) => q.answer === i).length).toBeLessThanOrEqual(choice.length / 2);
    expect(atFirst).toBeGreaterThan(0);
    // Nor is the right answer the one that stands out by its length.
    const longest = choice.filter((q) => q.choices.every((c, i) => i === q.answer || c.length < q.choices[q.answer]!.length));
    expect(longest.length).toBeLessThanOrEqual(choice.length / 3);
    const tf = QUESTIONS.filter((q) => q.kind === 'true-false');
    expect(tf.some((q) => q.answer === 0) && tf.some((q) => q.answer === 1)).toBe(true);
  });

  it('rejects a bad question or bank with a reason at its path', () => {
    const good = QUESTIONS[0]!;
    const bad = (q: object) => questionSchema.safeParse({ ...good, ...q });
    expect(bad({ answer: good.choices.length }).error?.issues[0]?.path).toEqual(['answer']);
    expect(bad({ answer: 1.5 }).success).toBe(false);
    expect(bad({ concept: 'kernels' }).error?.issues[0]?.path).toEqual(['concept']);
    expect(bad({ choices: ['A', 'A', 'B'] }).error?.issues.map((i) => i.path)).toContainEqual(['choices']);
    expect(bad({ choices: ['A', ''], kind: 'choice' }).success).toBe(false);
    expect(bad({ kind: 'true-false', choices: ['Yes', 'No'], answer: 0 }).error?.issues.map((i) => i.message)).toContain('must be exactly ["True", "False"] for a true-false question');
    expect(bad({ id: 'isolation-1' }).error?.issues[0]?.path).toEqual(['id']);
    expect(bad({ explanation: ' ' }).success).toBe(false);
    expect(bad({ prompt: 'x'.repeat(201) }).success).toBe(false);
    expect(bad({ extra: true }).success).toBe(false);
    const twice = bankSchema.safeParse([good, good]);
    expect(twice.error?.issues[0]).toMatchObject({ path: [1, 'id'], message: `duplicate id "${good.id}" (first at 0)` });
  });

  it('finds questions by id, and nothing for ids that are not there', () => {
    for (const q of QUESTIONS) expect(questionById(q.id)).toBe(q);
    for (const id of ['', 'nope-1', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(questionById(id)).toBeUndefined();
  });
});

describe('scenarioConcepts', () => {
  // What each built-in scenario's check starts with: its lesson first, read against its debrief.
  const EXPECTED_FIRST: Record<string, readonly Concept[]> = {
    tutorial: ['shared-kernel', 'os-compatibility', 'boot-time'],
    'flash-sale': ['boot-time', 'image-size', 'isolation'],
    'untrusted-tenants': ['isolation', 'shared-kernel', 'hypervisor-type'],
    'cloud-tenants': ['isolation', 'shared-kernel', 'guest-os-overhead', 'capacity', 'density'],
    'lift-and-shift': ['custom-kernel', 'shared-kernel', 'os-compatibility'],
    'patch-day': ['patching', 'shared-kernel', 'os-compatibility'],
    'density-squeeze': ['density', 'isolation', 'cost', 'shared-kernel', 'guest-os-overhead'],
    'host-failure': ['boot-time', 'shared-kernel', 'capacity'],
    backups: ['backups'],
    'noisy-neighbour': ['noisy-neighbour'],
    'microvm-functions': ['isolation', 'hypervisor-type', 'boot-time'],
  };

  it('covers every built-in scenario in this test', () => {
    expect(Object.keys(EXPECTED_FIRST).sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
  });

  for (const s of SCENARIOS) {
    it(`${s.id}: leads with its lesson, at least three concepts, none twice`, () => {
      const concepts = scenarioConcepts(s);
      expect(concepts.slice(0, EXPECTED_FIRST[s.id]!.length)).toEqual(EXPECTED_FIRST[s.id]);
      expect(concepts.length).toBeGreaterThanOrEqual(3);
      expect(new Set(concepts).size).toBe(concepts.length);
      for (const c of concepts) expect(CONCEPTS).toContain(c);
    });
  }

  it('names the concepts of what a scenario holds', () => {
    const has = (id: string, ...concepts: Concept[]) => expect(scenarioConcepts(scenario(id))).toEqual(expect.arrayContaining(concepts));
    has('patch-day', 'patching', 'os-compatibility');
    has('backups', 'backups', 'capacity', 'cost');
    has('lift-and-shift', 'custom-kernel', 'os-compatibility', 'hypervisor-type');
    has('microvm-functions', 'hypervisor-type', 'isolation');
    has('noisy-neighbour', 'noisy-neighbour', 'capacity', 'density');
    has('density-squeeze', 'density', 'cost', 'guest-os-overhead');
    expect(scenarioConcepts(scenario('noisy-neighbour'))).not.toContain('patching');
  });

  it('pads a scenario that teaches little with the core ideas', () => {
    const bare: Scenario = { ...scenario('tutorial'), events: [], apps: [{ ...scenario('tutorial').apps[0]!, memoryMiB: 4096, replicas: 1 }], budget: undefined };
    bare.hosts = [{ ...bare.hosts[0]! }];
    expect(scenarioConcepts(bare)).toEqual(['shared-kernel', 'guest-os-overhead', 'isolation']);
  });
});

describe('pickCheck', () => {
  for (const s of SCENARIOS) {
    it(`${s.id}: before and after ask different questions on the same concepts`, () => {
      const first = scenarioConcepts(s).slice(0, CHECK_SIZE);
      for (const seed of SEEDS) {
        const before = pickCheck(s, seed, 'before');
        const after = pickCheck(s, seed, 'after');
        expect(before).toHaveLength(CHECK_SIZE);
        expect(after).toHaveLength(CHECK_SIZE);
        expect(conceptsOf(before)).toEqual(conceptsOf(after));
        const ids = new Set(before.map((q) => q.id));
        expect(after.filter((q) => ids.has(q.id))).toEqual([]);
        expect(ids.size).toBe(CHECK_SIZE);
        // Every one of the scenario's first concepts is asked about, and nothing else.
        expect(new Set(before.map((q) => q.concept))).toEqual(new Set(first));
        for (const stage of CHECK_STAGES) expect(pickCheck(s, seed, stage).map((q) => q.id)).toEqual((stage === 'before' ? before : after).map((q) => q.id));
      }
    });
  }

  it('varies with the seed, in questions and in order', () => {
    const s = scenario('cloud-tenants');
    const picks = new Set(SEEDS.map((seed) => pickCheck(s, seed, 'before').map((q) => q.id).join(' ')));
    expect(picks.size).toBeGreaterThan(SEEDS.length / 2);
    const sets = new Set(SEEDS.map((seed) => pickCheck(s, seed, 'before').map((q) => q.id).sort().join(' ')));
    expect(sets.size).toBeGreaterThan(1);
  });

  it('depends on the scenario id, not only on what it holds', () => {
    const s = scenario('cloud-tenants');
    const renamed = { ...s, id: 'cloud-tenants-copy' };
    const differs = SEEDS.some((seed) => pickCheck(s, seed, 'before').map((q) => q.id).join() !== pickCheck(renamed, seed, 'before').map((q) => q.id).join());
    expect(differs).toBe(true);
  });

  it('gives a scenario of three concepts two questions on each of the first two', () => {
    const s = scenario('untrusted-tenants');
    const counts = new Map<Concept, number>();
    for (const q of pickCheck(s, 5, 'before')) counts.set(q.concept, (counts.get(q.concept) ?? 0) + 1);
    expect([...counts].sort()).toEqual([
      ['hypervisor-type', 1],
      ['isolation', 2],
      ['shared-kernel', 2],
    ]);
  });
});

describe('prompts and mark', () => {
  it('shows a question without its answer or explanation', () => {
    const [p] = prompts([QUESTIONS[0]!]);
    expect(p).toEqual({ id: QUESTIONS[0]!.id, concept: QUESTIONS[0]!.concept, kind: QUESTIONS[0]!.kind, prompt: QUESTIONS[0]!.prompt, choices: QUESTIONS[0]!.choices });
    expect(JSON.stringify(prompts(QUESTIONS))).not.toMatch(/"answer"|"explanation"/);
  });

  it('marks a right answer, a wrong one, and refuses the rest', () => {
    const q = questionById('shared-kernel-2')!;
    expect(mark(q.id, q.answer)).toEqual({ questionId: q.id, choice: q.answer, correct: true, answer: q.answer, explanation: q.explanation });
    const wrong = (q.answer + 1) % q.choices.length;
    expect(mark(q.id, wrong)).toEqual({ questionId: q.id, choice: wrong, correct: false, answer: q.answer, explanation: q.explanation });
    expect(mark('no-such-question-1', 0)).toBeNull();
    expect(mark('constructor', 0)).toBeNull();
    for (const choice of [-1, q.choices.length, 1.5, NaN, Infinity]) expect(mark(q.id, choice)).toBeNull();
    const tf = questionById('shared-kernel-3')!;
    expect(mark(tf.id, 1)?.correct).toBe(true);
    expect(mark(tf.id, 2)).toBeNull();
  });
});

describe('gains', () => {
  it("computes Hake's normalised gain", () => {
    expect(normalisedGain({ correct: 1, of: 5 }, { correct: 3, of: 5 })).toBeCloseTo(0.5, 12);
    expect(normalisedGain({ correct: 2, of: 10 }, { correct: 6, of: 10 })).toBeCloseTo(0.5, 12);
    expect(normalisedGain({ correct: 0, of: 4 }, { correct: 4, of: 4 })).toBe(1);
    expect(normalisedGain({ correct: 1, of: 2 }, { correct: 0, of: 2 })).toBe(-1);
    expect(normalisedGain({ correct: 2, of: 4 }, { correct: 1, of: 4 })).toBeCloseTo(-0.5, 12);
    expect(normalisedGain({ correct: 3, of: 3 }, { correct: 3, of: 3 })).toBeNull();
    expect(normalisedGain({ correct: 0, of: 0 }, { correct: 2, of: 2 })).toBeNull();
    expect(normalisedGain({ correct: 1, of: 2 }, { correct: 0, of: 0 })).toBeNull();
  });

  const A = (by: string, stage: 'before' | 'after', questionId: string, correct: boolean): KeptAnswer => ({ by, stage, questionId, concept: questionById(questionId)!.concept, correct });
  // Two students. Isolation: before 1 of 4 right, after 3 of 4. Patching: before 2 of 2, after 1 of 2.
  // Cost: only after.
  const ANSWERS: KeptAnswer[] = [
    A('ana', 'before', 'isolation-1', false),
    A('ana', 'before', 'isolation-2', true),
    A('ben', 'before', 'isolation-1', false),
    A('ben', 'before', 'isolation-2', false),
    A('ana', 'before', 'patching-1', true),
    A('ben', 'before', 'patching-1', true),
    A('ana', 'after', 'isolation-3', true),
    A('ana', 'after', 'isolation-4', true),
    A('ben', 'after', 'isolation-3', true),
    A('ben', 'after', 'isolation-4', false),
    A('ana', 'after', 'patching-2', true),
    A('ben', 'after', 'patching-2', false),
    A('ben', 'after', 'cost-1', true),
  ];

  it('pools every answer for the class, in CONCEPTS order', () => {
    expect(conceptGains(ANSWERS)).toEqual([
      { concept: 'isolation', before: { correct: 1, of: 4 }, after: { correct: 3, of: 4 }, gain: (0.75 - 0.25) / 0.75 },
      { concept: 'patching', before: { correct: 2, of: 2 }, after: { correct: 1, of: 2 }, gain: null },
      { concept: 'cost', before: { correct: 0, of: 0 }, after: { correct: 1, of: 1 }, gain: null },
    ]);
  });

  it('keeps the order and the concepts it is given, answered or not', () => {
    expect(conceptGains(ANSWERS, ['patching', 'density', 'isolation']).map((g) => [g.concept, g.before.of, g.after.of, g.gain])).toEqual([
      ['patching', 2, 2, null],
      ['density', 0, 0, null],
      ['isolation', 4, 4, 2 / 3],
    ]);
    expect(conceptGains([])).toEqual([]);
  });

  it('gives each student their own figures', () => {
    const by = gainsBy(ANSWERS);
    expect([...by.keys()]).toEqual(['ana', 'ben']);
    expect(by.get('ana')).toEqual([
      { concept: 'isolation', before: { correct: 1, of: 2 }, after: { correct: 2, of: 2 }, gain: 1 },
      { concept: 'patching', before: { correct: 1, of: 1 }, after: { correct: 1, of: 1 }, gain: null },
    ]);
    expect(by.get('ben')).toEqual([
      { concept: 'isolation', before: { correct: 0, of: 2 }, after: { correct: 1, of: 2 }, gain: 0.5 },
      { concept: 'patching', before: { correct: 1, of: 1 }, after: { correct: 0, of: 1 }, gain: null },
      { concept: 'cost', before: { correct: 0, of: 0 }, after: { correct: 1, of: 1 }, gain: null },
    ]);
    expect(gainsBy([]).size).toBe(0);
  });
});
