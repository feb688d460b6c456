import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, SimState } from '../../shared/engine/index.ts';
import type { Scenario, ScenarioInput } from '../../shared/scenario/schema.ts';
import { POLICIES, buildReport, clusterOf, createSimulation, mergePhysics, reduce, runScenario } from '../../shared/engine/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { clusterDetail, projectorView, standings, studentView, teacherView } from '../../shared/views/index.ts';
import { brokenInvariants } from './invariants.ts';

/** Names every plain object inherits: looked up on `{}`, they find Object's own members. */
const TRICKY = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf'] as const;
const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort();

function parsed(input: ScenarioInput): Scenario {
  const result = parseScenario(input);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.value;
}

/** A small scenario with every kind of app, its ids given (so they can be the tricky ones). */
function scenarioWith(ids: { hosts: [string, string, string]; apps: [string, string, string, string] }, durationS = 300): Scenario {
  const [h1, h2, h3] = ids.hosts;
  const [web, api, reports, fn] = ids.apps;
  return parsed({
    schemaVersion: 1,
    id: 'ids',
    title: 'Ids',
    summary: 'The same cluster under any ids.',
    debrief: 'None.',
    durationS,
    hosts: [
      { id: h1, cpu: 8, memoryGiB: 16, platform: 'linux', kvm: true, costPerHour: 30 },
      { id: h2, cpu: 8, memoryGiB: 16, platform: 'hypervisor', kvm: true, costPerHour: 30 },
      { id: h3, cpu: 8, memoryGiB: 32, platform: 'windows', kvm: true, costPerHour: 40 },
    ],
    apps: [
      { id: web, name: 'Web', cpu: 1, memoryMiB: 512, imageMiB: 1200, replicas: 3, demand: 200 },
      { id: api, name: 'API', cpu: 1, memoryMiB: 768, imageMiB: 120, replicas: 2, demand: 150, data: 'regulated' },
      { id: reports, name: 'Reports', os: 'windows', cpu: 2, memoryMiB: 2048, imageMiB: 1500, replicas: 1, demand: 40 },
      { id: fn, name: 'Functions', cpu: 0.5, memoryMiB: 128, imageMiB: 30, replicas: 2, demand: 80, trust: 'untrusted' },
    ],
    // At the same shares of the run, whatever its length.
    events: [
      { atS: 0.2, type: 'trafficSpike', appId: web, factor: 3, durationS: 60 },
      { atS: 0.3, type: 'noisyNeighbour', appId: fn, factor: 4, durationS: 30 },
      { atS: 0.4, type: 'kernelExploit', os: 'linux' },
      { atS: 0.5, type: 'hostFailure', hostId: h1 },
      { atS: 0.65, type: 'patchDay', os: 'linux' },
      { atS: 0.8, type: 'hypervisorEscape', hostId: h2 },
      { atS: 0.93, type: 'complianceAudit' },
    ].map((e) => ({ ...e, atS: Math.floor(e.atS * durationS) })) as NonNullable<ScenarioInput['events']>,
  });
}

// Host and app ids are separate namespaces, so both scenarios reuse names across them alike.
const ORDINARY = { hosts: ['alpha', 'beta', 'gamma'], apps: ['delta', 'alpha', 'beta', 'gamma'] } as const;
const TRICKY_IDS = { hosts: ['constructor', 'toString', 'valueOf'], apps: ['hasOwnProperty', 'constructor', 'toString', 'valueOf'] } as const;
const AS_ORDINARY = new Map<string, string>([...TRICKY_IDS.apps.map((id, i) => [id, ORDINARY.apps[i]!] as const)]);
/** A report's text with the tricky ids (alone, or leading a generated id like `constructor-1-vm`) put back to ordinary ones. */
const ordinaryText = (json: string): string => json.replace(/\b(constructor|toString|valueOf|hasOwnProperty)\b/g, (id) => AS_ORDINARY.get(id)!);

describe('ids that are names on Object.prototype', () => {
  it('finds no cluster called constructor, toString or __proto__ in a room that has none', () => {
    let state = createSimulation(getScenario('tutorial')!, 1);
    state = reduce(state, { type: 'addCluster', clusterId: 'a' }).state;
    for (const id of TRICKY) {
      expect(clusterOf(state, id)).toBeUndefined();
      expect(clusterDetail(state, id)).toBeNull();
      const r = reduce(state, { type: 'deploy', clusterId: id, appId: 'web', runtime: 'container', target: 'linux-1' });
      expect(r.rejection?.code).toBe('unknown-cluster');
      expect(r.state).toBe(state);
      expect(reduce(state, { type: 'kick', clusterId: id }).rejection?.code).toBe('unknown-cluster');
    }
    expect(() => studentView(state, { code: 'ABCDEF', seq: 1, standings: standings(state), you: { playerId: 'p', nickname: 'P', clusterId: 'constructor', teamName: null }, references: null })).toThrow(/no cluster constructor/);
  });

  it('lets a cluster be called constructor or __proto__, as data, not as the prototype', () => {
    let state = createSimulation(getScenario('tutorial')!, 1);
    for (const id of ['constructor', '__proto__', 'toString']) {
      const r = reduce(state, { type: 'addCluster', clusterId: id });
      expect(r.rejection, id).toBeNull();
      state = r.state;
    }
    state = reduce(state, { type: 'start' }).state;
    state = reduce(state, { type: 'deploy', clusterId: '__proto__', appId: 'web', runtime: 'container', target: 'linux-1' }).state;
    for (let t = 0; t < 5; t++) state = reduce(state, { type: 'tick' }).state;
    expect(Object.getPrototypeOf(state.clusters)).toBe(Object.prototype);
    expect(Object.keys(state.clusters).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(clusterOf(state, '__proto__')!.instances).toHaveLength(1);
    expect(clusterDetail(state, '__proto__')!.cluster.instances).toHaveLength(1);
    // It survives the JSON round trip a store makes.
    const copy = JSON.parse(JSON.stringify(state)) as SimState;
    expect(clusterOf(copy, '__proto__')!.instances).toHaveLength(1);
    expect(brokenInvariants(state)).toEqual([]);
  });

  it('merges physics overrides without touching Object.prototype, whatever keys the JSON carries', () => {
    const before = prototypeNames();
    const hostile = JSON.parse('{"__proto__": {"polluted": 1, "vmBootS": 1}, "constructor": {"prototype": {"polluted": 1}}, "toString": 5, "vmBootS": {"__proto__": {"polluted": 1}, "linux": 10}}');
    const physics = mergePhysics(hostile);
    expect(physics.vmBootS.linux).toBe(10);
    expect(typeof physics.toString).toBe('function');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(prototypeNames()).toEqual(before);
    // And a scenario file with such keys is refused by name, not merged.
    const base = getScenario('tutorial')!;
    const file = JSON.parse(JSON.stringify({ ...base, physics: {} }).replace('"physics":{}', '"physics":{"__proto__":{"demandJitter":0.4}}'));
    expect(parseScenario(file).ok).toBe(false);
  });

  it('caches an app image even when the app is called constructor or valueOf', () => {
    const s = scenarioWith({ hosts: ['constructor', 'toString', 'valueOf'], apps: ['web', 'constructor', 'toString', 'valueOf'] });
    let state = createSimulation(s, 1);
    state = reduce(state, { type: 'addCluster', clusterId: 'a' }).state;
    state = reduce(state, { type: 'start' }).state;
    // `web` first, so the engine already has an image record when `constructor` arrives.
    for (const [id, appId] of [['w1', 'web'], ['c1', 'constructor'], ['c2', 'constructor'], ['v1', 'valueOf']] as const) {
      const r = reduce(state, { type: 'deploy', clusterId: 'a', id, appId, runtime: 'container', target: 'constructor' });
      expect(r.rejection, id).toBeNull();
      state = r.state;
    }
    const inst = (id: string) => clusterOf(state, 'a')!.instances.find((i) => i.id === id)!;
    for (const id of ['w1', 'c1', 'c2', 'v1']) expect(Number.isFinite(inst(id).readyAtS), id).toBe(true);
    expect(inst('c1').pulledAtS).toBeCloseTo(120 / state.physics.imagePullMiBPerS, 9);
    // The second replica reuses the layers the first pulled.
    expect(inst('c2').pulledAtS).toBe(inst('c1').pulledAtS);
    expect(clusterOf(state, 'a')!.images['host:constructor']).toEqual({ web: inst('w1').pulledAtS, constructor: inst('c1').pulledAtS, valueOf: inst('v1').pulledAtS });
  });

  it('simulates a scenario whose ids are constructor, toString, valueOf and hasOwnProperty exactly like one with ordinary ids', () => {
    const ordinary = scenarioWith({ hosts: [...ORDINARY.hosts], apps: [...ORDINARY.apps] });
    const tricky = scenarioWith({ hosts: [...TRICKY_IDS.hosts], apps: [...TRICKY_IDS.apps] });
    for (const policy of POLICIES) {
      const a = runScenario(ordinary, 5, { policy });
      const b = runScenario(tricky, 5, { policy });
      const ra = buildReport(a.state, a.clusterId, a.rejections);
      const rb = buildReport(b.state, b.clusterId, b.rejections);
      expect(rb.score.total, policy).toBe(ra.score.total);
      // Slow first pulls are told once per engine: the image cache works for these names too.
      expect(rb.incidents.filter((i) => i.type === 'imagePull').length, policy).toBe(ra.incidents.filter((i) => i.type === 'imagePull').length);
      expect(ordinaryText(JSON.stringify(rb)), policy).toBe(JSON.stringify(ra));
      expect(ordinaryText(JSON.stringify(b.state.clusters[b.clusterId]!.images)), policy).toBe(JSON.stringify(a.state.clusters[a.clusterId]!.images));
    }
  });
});

// ---- the fuzz: every action, with ids drawn from the tricky names and real ones ---------------

const scenarios = [getScenario('tutorial')!, scenarioWith({ hosts: [...TRICKY_IDS.hosts], apps: [...TRICKY_IDS.apps] }, 120)];
const REAL = ['a', 'b', 'linux-1', 'linux-2', 'windows-1', 'web', 'api', 'reports', 'web-1', 'api-1', 'vm-1', 'x1', 'constructor-1', 'toString-1-vm'];
const anyId = fc.constantFrom<string>(...TRICKY, ...REAL);
const os = fc.constantFrom('linux' as const, 'windows' as const);

const single: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ type: fc.constant('addCluster' as const), clusterId: anyId }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('removeCluster' as const), clusterId: anyId }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('configureHost' as const), clusterId: anyId, hostId: anyId, platform: fc.constantFrom('linux' as const, 'windows' as const, 'hypervisor' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record(
      { type: fc.constant('createVm' as const), clusterId: anyId, id: anyId, hostId: anyId, guestOs: os, vcpu: fc.integer({ min: 1, max: 4 }), memoryMiB: fc.constantFrom(1024, 4096), containerEngine: fc.boolean() },
      { requiredKeys: ['type', 'clusterId', 'hostId', 'guestOs', 'vcpu', 'memoryMiB'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('deleteVm' as const), clusterId: anyId, vmId: anyId }) },
  {
    weight: 5,
    arbitrary: fc.record(
      { type: fc.constant('deploy' as const), clusterId: anyId, id: anyId, appId: anyId, runtime: fc.constantFrom('container' as const, 'vm' as const, 'microvm' as const), target: anyId },
      { requiredKeys: ['type', 'clusterId', 'appId', 'runtime', 'target'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('remove' as const), clusterId: anyId, instanceId: anyId }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('setLimits' as const), clusterId: anyId, instanceId: anyId, cpu: fc.option(fc.constantFrom(0.5, 2), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ready' as const), clusterId: anyId, ready: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('kick' as const), clusterId: anyId }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({ type: fc.constantFrom('trafficSpike' as const, 'noisyNeighbour' as const), appId: anyId, factor: fc.constant(3), durationS: fc.constant(20) }),
      fc.record({ type: fc.constantFrom('hypervisorEscape' as const, 'hostFailure' as const), hostId: anyId }),
      fc.record({ type: fc.constantFrom('kernelExploit' as const, 'patchDay' as const), os }),
      fc.constant({ type: 'complianceAudit' as const }),
    ).map((event): Action => ({ type: 'injectEvent', event })),
  },
  { weight: 1, arbitrary: fc.constantFrom<Action>({ type: 'start' }, { type: 'pause' }, { type: 'resume' }, { type: 'setSpeed', speed: 2 }, { type: 'lock', locked: false }) },
);
/** One action, or a run of ticks so that what was placed boots, serves and meets events. */
const stepArb: fc.Arbitrary<Action[]> = fc.oneof(
  { weight: 6, arbitrary: single.map((a) => [a]) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 15 }).map((n): Action[] => Array.from({ length: n }, () => ({ type: 'tick' }))) },
);

/** Every view the server sends, for every cluster and for the tricky ids: none may throw. */
function allViews(state: SimState): void {
  const board = standings(state);
  const roster = state.clusterOrder.map((id) => ({ playerId: id, nickname: id, clusterId: id, teamId: null, status: 'online' as const }));
  for (const id of state.clusterOrder) {
    const view = studentView(state, { code: 'ABCDEF', seq: 1, standings: board, you: { playerId: id, nickname: id, clusterId: id, teamName: null }, references: null });
    expect(view.cluster.id).toBe(id);
  }
  teacherView(state, { code: 'ABCDEF', seq: 1, mode: 'solo', standings: board, roster, teams: [], rejections: {}, banned: 0 });
  projectorView(state, { code: 'ABCDEF', seq: 1, standings: board, names: roster.map((r) => r.nickname) });
  for (const id of [...TRICKY, ...REAL]) {
    const detail = clusterDetail(state, id);
    if (state.clusterOrder.includes(id)) expect(detail?.cluster.id).toBe(id);
    else expect(detail, id).toBeNull();
  }
}

describe('ids that are names on Object.prototype (seeded fuzz)', () => {
  it('never throws, refuses without changing anything, and every view works', () => {
    const before = prototypeNames();
    let refused = 0;
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...scenarios), fc.boolean(), fc.array(stepArb, { minLength: 1, maxLength: 40 }), (scenario, started, steps) => {
        let state = createSimulation(scenario, 9);
        state = reduce(state, { type: 'addCluster', clusterId: 'a' }).state;
        // Half the runs stay in the lobby until a random `start`: some actions are taken only there.
        if (started) state = reduce(state, { type: 'start' }).state;
        for (const step of steps.flat()) {
          const r = reduce(state, step);
          if (r.rejection) {
            refused++;
            expect(r.state, `${step.type} refused (${r.rejection.code}) but changed the state`).toBe(state);
            expect(r.created).toBeNull();
          } else accepted++;
          state = r.state;
          expect(brokenInvariants(state)).toEqual([]);
        }
        allViews(state);
        expect(clusterDetail(state, 'constructor') === null).toBe(!state.clusterOrder.includes('constructor'));
      }),
      { seed: 20_261_201, numRuns: 300 },
    );
    expect(prototypeNames()).toEqual(before);
    expect(({} as Record<string, unknown>).instances).toBeUndefined();
    // Both paths are exercised, or the property proves little.
    expect(refused).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(1000);
  });
});
