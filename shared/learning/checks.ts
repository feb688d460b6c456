/**
 * Concept checks: which questions a scenario asks, how an answer is marked, and the gain per
 * concept from before to after. Pure and deterministic: the seeded PRNG, never Math.random.
 */
import { CONCEPTS, type Concept } from '../engine/concepts.ts';
import { mergePhysics } from '../engine/physics.ts';
import { nextRandom, seedState } from '../engine/prng.ts';
import type { Scenario } from '../scenario/schema.ts';
import { QUESTIONS } from './bank.ts';
import type { AnswerResult, CheckStage, ConceptGain, KeptAnswer, Question, QuestionPrompt, Tally } from './types.ts';

/** Questions in one check: a couple of minutes in the lobby, one per concept where it can be. */
export const CHECK_SIZE = 5;

const BY_ID = new Map(QUESTIONS.map((q) => [q.id, q]));
const BY_CONCEPT = new Map<Concept, Question[]>(CONCEPTS.map((c) => [c, QUESTIONS.filter((q) => q.concept === c)]));

/** The core ideas every scenario touches, used when a scenario names too few of its own. */
const CORE: readonly Concept[] = ['shared-kernel', 'guest-os-overhead', 'isolation'];
const MIN_CONCEPTS = CORE.length;

export function questionById(id: string): Question | undefined {
  return BY_ID.get(id);
}

/**
 * The concepts a scenario exercises, most central first. Each of its events, apps, hosts and its
 * budget adds weight to the concepts it teaches (each kind of event once, however often it fires);
 * ties keep CONCEPTS order. Padded with the core ideas to at least three.
 */
export function scenarioConcepts(scenario: Scenario): Concept[] {
  const weight = new Map<Concept, number>();
  const add = (concept: Concept, w: number) => weight.set(concept, (weight.get(concept) ?? 0) + w);
  // Every scenario puts containers on shared kernels next to VMs with kernels of their own.
  add('shared-kernel', 1);

  const events = scenario.events.map((e) => e.type);
  for (const type of new Set(events)) {
    switch (type) {
      case 'kernelExploit':
        add('isolation', 3);
        add('shared-kernel', 1);
        break;
      case 'hypervisorEscape':
        add('isolation', 3);
        add('hypervisor-type', 1);
        break;
      case 'patchDay':
        add('patching', 5);
        add('shared-kernel', 1);
        break;
      case 'noisyNeighbour':
        add('noisy-neighbour', 5);
        add('capacity', 1);
        add('density', 1);
        break;
      case 'trafficSpike': {
        // Several spikes make start-up speed the lesson; big images are slow to start anywhere new.
        const spikes = events.filter((t) => t === 'trafficSpike').length;
        add('boot-time', 1 + Math.min(spikes, 3));
        add('image-size', 1 + (scenario.apps.some((a) => a.imageMiB >= 1000) ? 1 : 0));
        break;
      }
      case 'hostFailure':
        add('capacity', 3);
        add('boot-time', 2);
        add('backups', 1);
        break;
      case 'complianceAudit':
        add('isolation', 1);
        break;
      case 'dataLoss':
        add('backups', 5);
        break;
      default: {
        const unknown: never = type;
        throw new Error(`unhandled event type ${String(unknown)}`);
      }
    }
  }

  const apps = scenario.apps;
  // A Windows app cannot be a container on a Linux kernel (shared-kernel), nor a Linux one on Windows without a VM.
  if (apps.some((a) => a.os === 'windows')) {
    add('shared-kernel', 2);
    add('os-compatibility', 2);
  }
  // A Windows build to match, or a .NET Framework app that needs a Server Core base.
  if (apps.some((a) => a.windowsBuild !== undefined || a.dotnetFramework === true)) add('os-compatibility', 1);
  if (apps.some((a) => a.needsCustomKernel)) add('custom-kernel', 4);
  if (apps.some((a) => a.trust === 'untrusted')) add('isolation', 1);
  if (new Set(apps.map((a) => a.tenant)).size > 1) add('isolation', 2);
  if (apps.some((a) => a.stateful)) add('backups', 2);

  const hosts = scenario.hosts;
  if (hosts.some((h) => !h.kvm)) add('hypervisor-type', 3);
  // Type-1 and type-2 side by side: where a VM goes changes how it runs and what it shares.
  if (hosts.some((h) => h.platform === 'hypervisor') && hosts.some((h) => h.platform !== 'hypervisor')) add('hypervisor-type', 1);

  const physics = mergePhysics(scenario.physics);
  if (scenario.budget !== undefined) {
    add('cost', 1);
    // Against the cost of every host all the time: a tight budget means packing work onto fewer hosts.
    const share = scenario.budget / (hosts.reduce((sum, h) => sum + h.costPerHour, 0) * (scenario.durationS / 3600));
    if (share < 0.5) {
      add('cost', 1);
      add('density', 1);
    }
    if (share < 0.35) {
      add('cost', 2);
      add('density', 3);
    }
  }

  // Memory as one VM per replica: how much goes to guest OSes, and how full the hosts would be.
  const appMiB = apps.reduce((sum, a) => sum + a.replicas * a.memoryMiB, 0);
  const guestMiB = apps.reduce((sum, a) => sum + a.replicas * physics.guestOsMiB[a.os], 0);
  const hostMiB = hosts.reduce((sum, h) => sum + h.memoryGiB * 1024 - physics.hostReservedMiB[h.platform], 0);
  if (guestMiB >= 0.5 * appMiB) {
    add('guest-os-overhead', 1);
    add('density', 1);
  }
  if (appMiB + guestMiB >= 0.5 * hostMiB) {
    add('capacity', 2);
    add('guest-os-overhead', 1);
    add('density', 1);
  }

  const ranked = CONCEPTS.filter((c) => (weight.get(c) ?? 0) > 0).sort((a, b) => weight.get(b)! - weight.get(a)!);
  for (const c of CORE) if (ranked.length < MIN_CONCEPTS && !ranked.includes(c)) ranked.push(c);
  return ranked;
}

/**
 * CHECK_SIZE questions on the scenario's first concepts, spread as evenly as the concepts allow.
 * Both stages draw from one per-concept order fixed by (scenario, seed): "before" takes its first
 * questions and "after" the next ones, so the two cover the same concepts with different questions.
 * Only the order they are shown in depends on the stage.
 */
export function pickCheck(scenario: Scenario, seed: number, stage: CheckStage): Question[] {
  const concepts = scenarioConcepts(scenario).slice(0, CHECK_SIZE);
  const counts = concepts.map((_, i) => Math.floor(CHECK_SIZE / concepts.length) + (i < CHECK_SIZE % concepts.length ? 1 : 0));
  let rng = seedState(mix(hashString(scenario.id), seed));
  const picked: Question[] = [];
  concepts.forEach((concept, i) => {
    const pool = [...(BY_CONCEPT.get(concept) ?? [])];
    [, rng] = shuffle(pool, rng);
    const n = counts[i]!;
    // The bank holds at least four per concept and a check at most two per concept (three concepts
    // or more share five questions), so both stages always find questions of their own.
    picked.push(...pool.slice(stage === 'before' ? 0 : n, stage === 'before' ? n : 2 * n));
  });
  shuffle(picked, seedState(mix(hashString(`${scenario.id}:${stage}`), seed)));
  return picked;
}

/** What a student is shown before answering. */
export function prompts(questions: readonly Question[]): QuestionPrompt[] {
  return questions.map(({ id, concept, kind, prompt, choices }) => ({ id, concept, kind, prompt, choices }));
}

/** Marks one answer; null for an unknown question or a choice that is not one of its choices. */
export function mark(questionId: string, choice: number): AnswerResult | null {
  const question = BY_ID.get(questionId);
  if (!question || !Number.isInteger(choice) || choice < 0 || choice >= question.choices.length) return null;
  return { questionId, choice, correct: choice === question.answer, answer: question.answer, explanation: question.explanation };
}

/** Right answers out of answers given at one stage, per concept. Every kept answer counts once. */
export function tally(answers: readonly KeptAnswer[], stage: CheckStage): Map<Concept, Tally> {
  const out = new Map<Concept, Tally>();
  for (const a of answers) {
    if (a.stage !== stage) continue;
    const t = out.get(a.concept) ?? { correct: 0, of: 0 };
    out.set(a.concept, { correct: t.correct + (a.correct ? 1 : 0), of: t.of + 1 });
  }
  return out;
}

/**
 * Hake's normalised gain, (post − pre) / (1 − pre) on the shares right: the part of what was not
 * known before that was learnt. Negative when fewer were right after. Null when a stage has no
 * answers, or everything was right before (there was nothing left to gain).
 */
export function normalisedGain(before: Tally, after: Tally): number | null {
  if (before.of === 0 || after.of === 0) return null;
  const pre = before.correct / before.of;
  const post = after.correct / after.of;
  if (pre >= 1) return null;
  return (post - pre) / (1 - pre);
}

/**
 * The gain per concept. With `concepts`, exactly those, in that order (empty tallies for any not
 * answered); without, every concept answered at either stage, in CONCEPTS order.
 *
 * The class figure pools every answer of every student: the gain of the class's shares right, not
 * the mean of each student's gain (which is undefined for anyone who had it all right before, and
 * swings wildly on two questions). Per student figures come from gainsBy.
 */
export function conceptGains(answers: readonly KeptAnswer[], concepts?: readonly Concept[]): ConceptGain[] {
  const before = tally(answers, 'before');
  const after = tally(answers, 'after');
  const none: Tally = { correct: 0, of: 0 };
  const order = concepts ?? CONCEPTS.filter((c) => before.has(c) || after.has(c));
  return order.map((concept) => {
    const b = before.get(concept) ?? none;
    const a = after.get(concept) ?? none;
    return { concept, before: b, after: a, gain: normalisedGain(b, a) };
  });
}

/** conceptGains for each player or attempt (`by`) on its own, in order of first answer. */
export function gainsBy(answers: readonly KeptAnswer[], concepts?: readonly Concept[]): Map<string, ConceptGain[]> {
  const groups = new Map<string, KeptAnswer[]>();
  for (const a of answers) {
    const list = groups.get(a.by);
    if (list) list.push(a);
    else groups.set(a.by, [a]);
  }
  return new Map([...groups].map(([by, list]) => [by, conceptGains(list, concepts)]));
}

/** Fisher–Yates in place with the seeded PRNG; returns the list and the PRNG state after it. */
function shuffle<T>(list: T[], state: number): [T[], number] {
  let rng = state;
  for (let i = list.length - 1; i > 0; i--) {
    const [r, next] = nextRandom(rng);
    rng = next;
    const j = Math.floor(r * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return [list, rng];
}

/** FNV-1a over the UTF-16 code units: a stable 32-bit number for a scenario id. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Folds a seed (any safe integer) into a hash, high bits included, so nearby seeds differ. */
function mix(hash: number, seed: number): number {
  const s = Math.trunc(seed);
  const high = Math.trunc(s / 2 ** 32) | 0;
  return Math.imul(hash ^ (s | 0), 0x9e3779b1) ^ high;
}
