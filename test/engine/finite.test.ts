import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, PlayerAction, PolicyName, SimState } from '../../shared/engine/index.ts';
import type { Scenario, ScenarioInput } from '../../shared/scenario/schema.ts';
import { LIMITS, POLICIES, buildReport, clusterOf, createSimulation, policyStep, reduce } from '../../shared/engine/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import { clusterDetail, projectorView, roomStatic, standings, studentView, teacherView } from '../../shared/views/index.ts';
import { eventOf } from './helpers.ts';

// ---- numbers at the edges of what a scenario file may hold -----------------------------------

/** The least, the greatest, or anything between: extremes are where overflow and 0-division live. */
const edge = (min: number, max: number, int = false): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(min), fc.constant(max), int ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const hostArb = fc.record({
  cpu: edge(1, 256, true),
  memoryGiB: edge(0.25, 4096),
  platform: fc.constantFrom('linux' as const, 'windows' as const, 'hypervisor' as const),
  kvm: fc.boolean(),
  costPerHour: edge(0, 10_000),
});
const appArb = fc.record(
  {
    os: fc.constantFrom('linux' as const, 'windows' as const),
    cpu: edge(0.05, 64),
    memoryMiB: edge(1, 262_144),
    imageMiB: edge(1, 65_536),
    replicas: edge(1, 50, true),
    demand: edge(0, 1_000_000),
    capacityPerReplica: edge(0.01, 1_000_000),
    trust: fc.constantFrom('trusted' as const, 'untrusted' as const),
    data: fc.constantFrom('public' as const, 'confidential' as const, 'regulated' as const),
    needsCustomKernel: fc.boolean(),
  },
  { requiredKeys: ['os', 'cpu', 'memoryMiB', 'imageMiB', 'replicas', 'demand', 'trust', 'data', 'needsCustomKernel'] },
);
const byOs = (max: number) => fc.record({ linux: edge(0, max), windows: edge(0, max) }, { requiredKeys: [] });
const physicsArb = fc.record(
  {
    vmBootS: byOs(3600),
    type2BootFactor: edge(1, 10),
    containerStartS: byOs(600),
    microvmBootS: edge(0, 60),
    imagePullMiBPerS: edge(1, 100_000),
    hostRebootS: byOs(3600),
    patchSettleS: edge(0, 3600),
    hostRepairS: edge(0, 7200),
    guestOsMiB: byOs(65_536),
    vmMinFreeMiB: edge(0, 65_536),
    hostReservedMiB: fc.record({ linux: edge(0, 65_536), windows: edge(0, 65_536), hypervisor: edge(0, 65_536) }, { requiredKeys: [] }),
    containerOverheadMiB: edge(0, 4096),
    containerEngineMiB: edge(0, 16_384),
    microvmVmmMiB: edge(0, 4096),
    microvmKernelMiB: edge(0, 4096),
    microvmMinGuestMiB: edge(0, 65_536),
    cpuOverhead: fc.record({ vmType1: edge(0, 0.9), vmType2: edge(0, 0.9), container: edge(0, 0.9), microvm: edge(0, 0.9) }, { requiredKeys: [] }),
    vcpuOvercommit: fc.record({ vm: edge(1, 100), microvm: edge(1, 100) }, { requiredKeys: [] }),
    contentionPenalty: edge(0, 0.5),
    windowsLicencePerCoreHour: edge(0, 1000),
    patchCostPerKernel: edge(0, 10_000),
    imageRebuildCost: edge(0, 10_000),
    defaultBudgetShare: edge(0.01, 100),
    breachPenalty: fc.record({ public: edge(0, 100), confidential: edge(0, 100), regulated: edge(0, 100) }, { requiredKeys: [] }),
    auditPenalty: edge(0, 100),
    demandJitter: edge(0, 0.5),
    scoreWeights: fc.record({ availability: edge(0, 1000), cost: edge(0, 1000), security: edge(0, 1000) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
/** Events name apps and hosts by position; `at` is a share of the scenario's length. */
const eventArb = fc.record({
  at: fc.oneof(fc.constant(0), fc.constant(0.999), fc.double({ min: 0, max: 0.999, noNaN: true })),
  type: fc.constantFrom('trafficSpike', 'noisyNeighbour', 'kernelExploit', 'hypervisorEscape', 'hostFailure', 'patchDay', 'complianceAudit'),
  pick: fc.nat(),
  os: fc.constantFrom('linux' as const, 'windows' as const),
  factor: edge(0.01, 100),
  durationS: edge(1, 7200),
});


const scenarioArb: fc.Arbitrary<ScenarioInput> = fc
  .record({
    // Mostly short runs, so the property stays quick; now and then the full two hours.
    durationS: fc.oneof({ weight: 1, arbitrary: fc.constant(7200) }, { weight: 2, arbitrary: fc.constant(30) }, { weight: 4, arbitrary: fc.integer({ min: 30, max: 400 }) }),
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 3 }),
    apps: fc.array(appArb, { minLength: 1, maxLength: 3 }),
    events: fc.array(eventArb, { maxLength: 8 }),
    budget: maybe(edge(0.01, 10_000_000)),
    physics: physicsArb,
    changePlatform: fc.boolean(),
  })
  .map(({ durationS, hosts: allHosts, apps: allApps, events, budget, physics, changePlatform }) => {
    // Two hours is allowed only for a small cluster (the size limit): few replicas, no scale-out.
    const long = durationS === 7200;
    const hosts = long ? allHosts.slice(0, 2) : allHosts;
    const apps = long ? allApps.slice(0, 2).map(({ capacityPerReplica: _c, ...a }) => ({ ...a, replicas: Math.min(a.replicas, 2) })) : allApps;
    const hostIds = hosts.map((_, i) => `h${i}`);
    const appIds = apps.map((_, i) => `a${i}`);
    return {
      schemaVersion: 1,
      id: 'edges',
      title: 'Edges',
      summary: 'Every number at the edge of its range.',
      debrief: 'None.',
      durationS,
      hosts: hosts.map((h, i) => ({ id: hostIds[i]!, ...h })),
      apps: apps.map((a, i) => ({ id: appIds[i]!, name: `App ${i}`, ...a })),
      events: events.map((e) => eventOf(long ? { ...e, factor: Math.min(e.factor, 1) } : e, Math.floor(e.at * durationS), hostIds, appIds)),
      allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform },
      physics,
      ...(budget === undefined ? {} : { budget }),
    } satisfies ScenarioInput;
  });

// ---- a player: a reference policy, or random actions with numbers at their edges ---------------

const strategyArb = fc.oneof(
  fc.constantFrom(...POLICIES).map((policy) => ({ policy })),
  fc.record({
    plan: fc.array(
      fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        kind: fc.constantFrom('vm', 'deploy', 'limit', 'inject', 'platform', 'remove'),
        pick: fc.nat(),
        runtime: fc.constantFrom('container' as const, 'vm' as const, 'microvm' as const),
        guestOs: fc.constantFrom('linux' as const, 'windows' as const),
        vcpu: edge(1, LIMITS.maxVcpu, true),
        memoryMiB: edge(1, LIMITS.maxVmMemoryMiB),
        cpu: fc.option(edge(LIMITS.minCpuLimit, LIMITS.maxCpuLimit), { nil: null }),
        event: eventArb,
      }),
      { maxLength: 25 },
    ),
  }),
);
// A flood: the teacher injects 340 maximal spikes and noisy neighbours at once, 1e680 multiplied.
const playerArb = fc.record({ strategy: strategyArb, flood: fc.boolean() });
type Player = typeof playerArb extends fc.Arbitrary<infer T> ? T : never;
type Strategy = Player['strategy'];
type Step = Extract<Strategy, { plan: unknown }>['plan'][number];

function actionFor(state: SimState, step: Step): Action {
  const c = clusterOf(state, 'p')!;
  const { hosts, apps } = state.scenario;
  const host = hosts[step.pick % hosts.length]!.id;
  const targets = [...hosts.map((h) => h.id), ...c.vms.map((v) => v.id)];
  const base = { clusterId: 'p' };
  switch (step.kind) {
    case 'vm':
      return { ...base, type: 'createVm', hostId: host, guestOs: step.guestOs, vcpu: step.vcpu, memoryMiB: step.memoryMiB, containerEngine: step.pick % 2 === 0 } satisfies PlayerAction;
    case 'deploy':
      return { ...base, type: 'deploy', appId: apps[step.pick % apps.length]!.id, runtime: step.runtime, target: targets[step.pick % targets.length]! };
    case 'limit':
      return { ...base, type: 'setLimits', instanceId: c.instances[step.pick % Math.max(1, c.instances.length)]?.id ?? 'none', cpu: step.cpu };
    case 'platform':
      return { ...base, type: 'configureHost', hostId: host, platform: (['linux', 'windows', 'hypervisor'] as const)[step.pick % 3]! };
    case 'remove':
      return { ...base, type: 'remove', instanceId: c.instances[step.pick % Math.max(1, c.instances.length)]?.id ?? 'none' };
    case 'inject': {
      const { atS: _atS, ...e } = eventOf(step.event, 0, hosts.map((h) => h.id), apps.map((a) => a.id));
      return { type: 'injectEvent', event: e };
    }
  }
}

/** Plays one cluster through the scenario; a second cluster joins late and does nothing. */
function play(scenario: Scenario, player: Player, inspect: (state: SimState) => void): SimState {
  let state = createSimulation(scenario, 3);
  state = reduce(state, { type: 'addCluster', clusterId: 'p' }).state;
  state = reduce(state, { type: 'start' }).state;
  const { strategy } = player;
  const plan = 'plan' in strategy ? [...strategy.plan].sort((a, b) => a.at - b.at) : [];
  const policy: PolicyName | null = 'policy' in strategy ? strategy.policy : null;
  const appId = scenario.apps[0]!.id;
  const checkpoints = new Set([1, Math.floor(scenario.durationS / 3), Math.floor((2 * scenario.durationS) / 3)]);
  let next = 0;
  for (let t = 0; t < scenario.durationS; t++) {
    if (t === Math.floor(scenario.durationS / 2)) state = reduce(state, { type: 'addCluster', clusterId: 'late' }).state;
    while (next < plan.length && plan[next]!.at * scenario.durationS <= t) state = reduce(state, actionFor(state, plan[next++]!)).state;
    if (player.flood && t === 1) {
      for (let i = 0; i < 170; i++) {
        for (const type of ['trafficSpike', 'noisyNeighbour'] as const) state = reduce(state, { type: 'injectEvent', event: { type, appId, factor: 100, durationS: 7200 } }).state;
      }
    }
    if (policy) state = policyStep(state, 'p', policy).state;
    state = reduce(state, { type: 'tick' }).state;
    if (checkpoints.has(t)) inspect(state);
  }
  return state;
}

/** Paths to every number that is not finite, and every text that shows one (`NaN`, `Infinity`). */
function nonFinite(value: unknown, path = '', out: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push(`${path || '(root)'} = ${value}`);
  } else if (typeof value === 'string') {
    if (/\b(NaN|Infinity)\b/.test(value)) out.push(`${path}: "${value}"`);
  } else if (value instanceof Map) {
    for (const [k, v] of value) nonFinite(v, `${path}<${String(k)}>`, out);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nonFinite(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nonFinite(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

/** The state, the CLI report and every view the server sends, walked before any JSON. */
function everything(state: SimState): unknown {
  const board = standings(state);
  const roster = state.clusterOrder.map((id) => ({ playerId: id, nickname: id, clusterId: id, teamId: null, status: 'online' as const }));
  return {
    state,
    report: buildReport(state, 'p', []),
    standings: board,
    static: roomStatic('ABCDEF', 'solo', state),
    students: state.clusterOrder.map((id) => studentView(state, { code: 'ABCDEF', seq: 1, standings: board, you: { playerId: id, nickname: id, clusterId: id, teamName: null }, references: null })),
    teacher: teacherView(state, { code: 'ABCDEF', seq: 1, mode: 'solo', standings: board, roster, teams: [], rejections: {}, banned: 0 }),
    projector: projectorView(state, { code: 'ABCDEF', seq: 1, standings: board, names: roster.map((r) => r.nickname) }),
    detail: clusterDetail(state, 'p'),
  };
}

describe('every number stays finite at the edges of the allowed ranges (seeded fast-check)', () => {
  it('keeps the state, the report and every view finite, whatever the scenario and the player do', () => {
    let runs = 0;
    let long = 0;
    fc.assert(
      fc.property(scenarioArb, playerArb, (input, player) => {
        const parsed = parseScenario(input);
        // The generator stays inside every range and far below the size limit: all of it is valid.
        expect(parsed.ok ? [] : parsed.errors).toEqual([]);
        if (!parsed.ok) return;
        runs++;
        if (parsed.value.durationS === 7200) long++;
        const problems: string[] = [];
        const final = play(parsed.value, player, (s) => problems.push(...nonFinite(everything(s))));
        problems.push(...nonFinite(everything(final)));
        expect(problems.slice(0, 10)).toEqual([]);
      }),
      { seed: 20_261_202, numRuns: 60 },
    );
    expect(runs).toBe(60);
    expect(long).toBeGreaterThan(3);
  });
});
