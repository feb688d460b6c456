import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, Os, Platform, Runtime, SimState } from '../../shared/engine/index.ts';
import type { Scenario, ScenarioInput } from '../../shared/scenario/schema.ts';
import { POLICIES, clusterLoad, createSimulation, reduce, runScenario } from '../../shared/engine/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';
import { brokenInvariants, brokenStep } from './invariants.ts';
import { referenceLoad } from './reference-load.ts';
import { eventOf } from './helpers.ts';

// Fixed seeds: a failure reproduces exactly, and fast-check prints the shrunk counterexample.
const SEED = 20_261_122;
const CLUSTERS = ['a', 'b'] as const;

// ---- a small random valid scenario -----------------------------------------------------------

const os = fc.constantFrom<Os>('linux', 'windows');
const platform = fc.constantFrom<Platform>('linux', 'windows', 'hypervisor');
const runtime = fc.constantFrom<Runtime>('container', 'vm', 'microvm');

// Windows builds from before containers (9600) to the default (20348), or none.
const windowsBuild = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(9600, 14393, 17763, 20348) });
const hostArb = fc.record({
  cpu: fc.integer({ min: 1, max: 16 }),
  memoryGiB: fc.integer({ min: 1, max: 48 }),
  platform,
  kvm: fc.boolean(),
  costPerHour: fc.integer({ min: 0, max: 60 }),
  windowsBuild,
});
const appArb = fc.record({
  os,
  cpu: fc.integer({ min: 1, max: 16 }).map((q) => q / 4),
  memoryMiB: fc.integer({ min: 16, max: 6144 }),
  imageMiB: fc.integer({ min: 1, max: 4000 }),
  replicas: fc.integer({ min: 1, max: 3 }),
  demand: fc.integer({ min: 0, max: 500 }),
  trust: fc.constantFrom('trusted', 'untrusted'),
  data: fc.constantFrom('public', 'confidential', 'regulated'),
  needsCustomKernel: fc.boolean(),
  stateful: fc.boolean(),
  windowsBuild,
  dotnetFramework: fc.boolean(),
  tenant: fc.option(fc.constantFrom('t1', 't2'), { nil: undefined }),
});
/** Events name hosts and apps by index; they are resolved once the lists are known. */
const eventArb = fc.record({
  at: fc.double({ min: 0, max: 0.999, noNaN: true }),
  type: fc.constantFrom('trafficSpike', 'noisyNeighbour', 'kernelExploit', 'hypervisorEscape', 'hostFailure', 'patchDay', 'complianceAudit', 'dataLoss'),
  pick: fc.nat(),
  os,
  factor: fc.integer({ min: 1, max: 20 }),
  durationS: fc.integer({ min: 1, max: 120 }),
});



const randomScenario: fc.Arbitrary<Scenario> = fc
  .record({
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 4 }),
    apps: fc.array(appArb, { minLength: 1, maxLength: 4 }),
    events: fc.array(eventArb, { maxLength: 6 }),
    durationS: fc.integer({ min: 30, max: 900 }),
    runtimes: fc.subarray(['container', 'vm', 'microvm'] as Runtime[], { minLength: 1 }),
    changePlatform: fc.boolean(),
  })
  .map(({ hosts, apps, events, durationS, runtimes, changePlatform }) => {
    const hostIds = hosts.map((_, i) => `h${i}`);
    const appIds = apps.map((_, i) => `app${i}`);
    const input: ScenarioInput = {
      schemaVersion: 1,
      id: 'random',
      title: 'Random',
      summary: 'A generated scenario.',
      debrief: 'None.',
      durationS,
      hosts: hosts.map(({ windowsBuild: build, ...h }, i) => ({ id: hostIds[i]!, ...h, ...(build ? { windowsBuild: build } : {}) })),
      // A Windows build and the .NET Framework are facts of Windows apps only.
      apps: apps.map(({ windowsBuild: build, dotnetFramework, tenant, ...a }, i) => ({
        id: appIds[i]!,
        name: `App ${i}`,
        ...a,
        ...(a.os === 'windows' && build ? { windowsBuild: build } : {}),
        ...(a.os === 'windows' && dotnetFramework ? { dotnetFramework } : {}),
        ...(tenant ? { tenant } : {}),
      })),
      events: events.map((e) => eventOf(e, Math.floor(e.at * durationS), hostIds, appIds)),
      allow: { runtimes, changePlatform },
    };
    const parsed = parseScenario(input);
    if (!parsed.ok) throw new Error(`generator made an invalid scenario: ${parsed.errors.join('; ')}`);
    return parsed.value;
  });

/** Bare-metal hypervisor hosts only, VMs allowed: where live migration and snapshots get deep. */
const hypervisorFleet: fc.Arbitrary<Scenario> = randomScenario.map((s) => ({
  ...s,
  hosts: s.hosts.map((h) => ({ ...h, platform: 'hypervisor' as const, kvm: true })),
  allow: { ...s.allow, runtimes: [...new Set<Runtime>([...s.allow.runtimes, 'vm'])] },
}));

const anyScenario = fc.oneof({ weight: 4, arbitrary: randomScenario }, { weight: 1, arbitrary: hypervisorFleet }, { weight: 1, arbitrary: fc.constantFrom(...SCENARIOS) });

// ---- random commands, resolved against the state when they are applied ------------------------

/** A command picks its targets by index, so it means something whatever the state holds by then. */
const commandArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('deploy' as const),
      cluster: fc.nat(),
      app: fc.nat(),
      runtime,
      target: fc.nat(),
      intoVm: fc.boolean(),
      smart: fc.boolean(),
      named: fc.boolean(),
      isolation: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('process' as const, 'hyperv' as const) }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('createVm' as const),
      cluster: fc.nat(),
      host: fc.nat(),
      guestOs: os,
      vcpu: fc.integer({ min: 1, max: 8 }),
      memoryMiB: fc.integer({ min: 256, max: 12_000 }),
      engine: fc.boolean(),
      windowsBuild,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('configureHost' as const), cluster: fc.nat(), host: fc.nat(), platform }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), cluster: fc.nat(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteVm' as const), cluster: fc.nat(), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('setLimits' as const), cluster: fc.nat(), pick: fc.nat(), cpu: fc.option(fc.integer({ min: 1, max: 16 }).map((q) => q / 4)) }) },
  // Moving VMs and keeping data: mostly aimed at VMs and stateful instances, sometimes at anything.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('migrateVm' as const), cluster: fc.nat(), pick: fc.nat(), host: fc.nat(), smart: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('snapshotVm' as const), cluster: fc.nat(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restoreVm' as const), cluster: fc.nat(), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('attachVolume' as const), cluster: fc.nat(), pick: fc.nat(), backup: fc.boolean(), smart: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('tick' as const), n: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('inject' as const), event: eventArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('teacher' as const), what: fc.constantFrom('pauseResume', 'resume', 'lock', 'kick', 'speed') }) },
);
type Command = typeof commandArb extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);

/** The actions a command stands for in this state (a tick of n seconds is n tick actions). */
function resolve(state: SimState, cmd: Command): Action[] {
  const { scenario } = state;
  const hostIds = scenario.hosts.map((h) => h.id);
  const clusterId = CLUSTERS[('cluster' in cmd ? cmd.cluster : 0) % CLUSTERS.length]!;
  const c = state.clusters[clusterId]!;
  switch (cmd.kind) {
    case 'deploy': {
      const app = pick(scenario.apps, cmd.app)!;
      // Half the time a target where this runtime could work, so play gets deep; else any target,
      // now and then one that does not exist, to exercise refusals.
      let target: string;
      let runtime = cmd.runtime;
      if (cmd.smart) {
        runtime = pick(scenario.allow.runtimes, cmd.app)!;
        const hosts = c.hosts.filter((h) => (runtime === 'container' ? h.platform === app.os : runtime === 'microvm' ? h.kvm && h.platform !== 'windows' : true));
        const vms = runtime === 'container' ? c.vms.filter((v) => v.containerEngine && v.guestOs === app.os) : [];
        target = pick([...hosts.map((h) => h.id), ...vms.map((v) => v.id)], cmd.target) ?? 'no-such-host';
      } else {
        target = cmd.intoVm ? (pick(c.vms, cmd.target)?.id ?? 'no-such-vm') : (pick([...hostIds, 'no-such-host'], cmd.target) as string);
      }
      // Isolation now and then, on containers (elsewhere it is refused, which is a path too).
      const isolation = cmd.isolation && (runtime === 'container' || !cmd.smart) ? { isolation: cmd.isolation } : {};
      return [{ type: 'deploy', clusterId, appId: app.id, runtime, target, ...(cmd.named ? { id: `x${cmd.target % 5}` } : {}), ...isolation }];
    }
    case 'createVm':
      return [
        {
          type: 'createVm',
          clusterId,
          hostId: pick(hostIds, cmd.host)!,
          guestOs: cmd.guestOs,
          vcpu: cmd.vcpu,
          memoryMiB: cmd.memoryMiB,
          containerEngine: cmd.engine,
          ...(cmd.guestOs === 'windows' && cmd.windowsBuild ? { windowsBuild: cmd.windowsBuild } : {}),
        },
      ];
    case 'configureHost':
      return [{ type: 'configureHost', clusterId, hostId: pick(hostIds, cmd.host)!, platform: cmd.platform }];
    case 'remove':
      return [{ type: 'remove', clusterId, instanceId: pick(c.instances, cmd.pick)?.id ?? 'nothing' }];
    case 'deleteVm':
      return [{ type: 'deleteVm', clusterId, vmId: pick(c.vms, cmd.pick)?.id ?? 'nothing' }];
    case 'setLimits': {
      // Mostly containers (limits are for them), sometimes anything, to reach the refusal.
      const candidates = cmd.pick % 4 === 0 ? c.instances : c.instances.filter((i) => i.runtime === 'container');
      return [{ type: 'setLimits', clusterId, instanceId: pick(candidates, cmd.pick)?.id ?? 'nothing', cpu: cmd.cpu }];
    }
    case 'migrateVm': {
      // Half the time a running VM on a bare-metal hypervisor to another one, where it could work.
      const hypervisors = c.hosts.filter((h) => h.platform === 'hypervisor' && h.kvm).map((h) => h.id);
      const movable = c.vms.filter((v) => v.upAtS <= state.timeS && hypervisors.includes(v.hostId));
      // With none to move, a small VM is made and booted first (a minute of ticks), so migrations get deep.
      const setup: Action[] = [];
      if (cmd.smart && movable.length === 0 && hypervisors.length > 1) {
        const id = `mv${cmd.pick % 5}`;
        setup.push({ type: 'createVm', clusterId, id, hostId: pick(hypervisors, cmd.pick)!, guestOs: 'linux', vcpu: 1, memoryMiB: 600 });
        for (let k = 0; k < 60; k++) setup.push({ type: 'tick' });
        return [...setup, { type: 'migrateVm', clusterId, vmId: id, hostId: pick(hypervisors, cmd.pick + 1 + (cmd.host % (hypervisors.length - 1)))! }];
      }
      const vmId = pick(cmd.smart && movable.length ? movable : c.vms, cmd.pick)?.id ?? 'nothing';
      const from = c.vms.find((v) => v.id === vmId)?.hostId;
      const hosts = cmd.smart ? hypervisors.filter((h) => h !== from) : hostIds;
      return [{ type: 'migrateVm', clusterId, vmId, hostId: pick(hosts, cmd.host) ?? pick(hostIds, cmd.host)! }];
    }
    case 'snapshotVm':
      return [{ type: 'snapshotVm', clusterId, vmId: pick(c.vms, cmd.pick)?.id ?? pick(c.instances, cmd.pick)?.id ?? 'nothing' }];
    case 'restoreVm': {
      // Mostly a VM that has a snapshot to go back to.
      const restorable = c.vms.filter((v) => c.snapshots.some((sn) => sn.vmId === v.id));
      return [{ type: 'restoreVm', clusterId, vmId: pick(cmd.pick % 4 === 0 ? c.vms : restorable, cmd.pick)?.id ?? pick(c.instances, cmd.pick)?.id ?? 'nothing' }];
    }
    case 'attachVolume': {
      const stateful = c.instances.filter((i) => i.runtime !== 'vm' && scenario.apps.some((a) => a.id === i.appId && a.stateful));
      return [{ type: 'attachVolume', clusterId, instanceId: pick(cmd.smart ? stateful : c.instances, cmd.pick)?.id ?? 'nothing', backup: cmd.backup }];
    }
    case 'tick':
      return Array.from({ length: cmd.n }, () => ({ type: 'tick' }) as const);
    case 'inject': {
      const { atS: _atS, ...event } = eventOf(cmd.event, Math.floor(cmd.event.at * scenario.durationS), hostIds, scenario.apps.map((a) => a.id));
      return [{ type: 'injectEvent', event }];
    }
    case 'teacher':
      switch (cmd.what) {
        case 'pauseResume':
          return [{ type: 'pause' }, { type: 'tick' }, { type: 'resume' }];
        case 'resume':
          return [{ type: 'resume' }];
        case 'lock':
          return [{ type: 'lock', locked: !state.locked }];
        case 'kick':
          return [{ type: 'kick', clusterId: 'b' }];
        case 'speed':
          return [{ type: 'setSpeed', speed: 3 }];
      }
  }
}

interface Run {
  readonly state: SimState;
  readonly log: readonly Action[];
  readonly problems: readonly string[];
  readonly rejected: number;
  /** Accepted actions by type, to check the generator reaches deep states. */
  readonly accepted: Readonly<Record<string, number>>;
}

/** Plays the commands from a fresh room, checking every invariant after every step. */
function play(scenario: Scenario, seed: number, commands: readonly Command[]): Run {
  let state = createSimulation(scenario, seed);
  const log: Action[] = [];
  const problems: string[] = [];
  let rejected = 0;
  const accepted: Record<string, number> = {};
  const apply = (action: Action) => {
    const result = reduce(state, action);
    log.push(action);
    problems.push(...brokenStep(state, action, result).map((p) => `step ${log.length}: ${p}`));
    if (result.rejection) rejected++;
    else accepted[action.type] = (accepted[action.type] ?? 0) + 1;
    state = result.state;
    problems.push(...brokenInvariants(state).map((p) => `after step ${log.length} (${action.type}): ${p}`));
    // The optimised CPU sharing (cached per layout) must match the plain one exactly, every step.
    for (const id of CLUSTERS) {
      const c = state.clusters[id];
      if (!c) continue;
      const fast = clusterLoad(state, c, state.timeS);
      const plain = referenceLoad(state, c, state.timeS);
      if (JSON.stringify(fast) !== JSON.stringify(plain)) problems.push(`after step ${log.length}: clusterLoad ${JSON.stringify(fast)} differs from reference ${JSON.stringify(plain)}`);
    }
  };
  for (const clusterId of CLUSTERS) apply({ type: 'addCluster', clusterId });
  apply({ type: 'start' });
  for (const cmd of commands) {
    for (const action of resolve(state, cmd)) {
      apply(action);
      if (problems.length) return { state, log, problems, rejected, accepted };
    }
  }
  return { state, log, problems, rejected, accepted };
}

function replay(scenario: Scenario, seed: number, log: readonly Action[]): SimState {
  let state = createSimulation(scenario, seed);
  for (const action of log) state = reduce(state, action).state;
  return state;
}

const commands = fc.array(commandArb, { minLength: 1, maxLength: 60, size: 'max' });

describe('engine properties over random play (seeded fast-check)', () => {
  it('keeps every invariant after every step, and refusals change nothing', () => {
    let refusals = 0;
    const accepted: Record<string, number> = {};
    fc.assert(
      fc.property(anyScenario, fc.integer(), commands, (scenario, seed, cmds) => {
        const run = play(scenario, seed, cmds);
        refusals += run.rejected;
        for (const [type, n] of Object.entries(run.accepted)) accepted[type] = (accepted[type] ?? 0) + n;
        expect(run.problems).toEqual([]);
      }),
      { seed: SEED, numRuns: 800 },
    );
    // The generator must reach both paths of every action, or the property proves little.
    expect(refusals).toBeGreaterThan(2000);
    for (const type of ['deploy', 'createVm', 'configureHost', 'remove', 'deleteVm', 'setLimits', 'injectEvent', 'tick']) expect(accepted[type] ?? 0, type).toBeGreaterThan(100);
    for (const type of ['migrateVm', 'snapshotVm', 'restoreVm', 'attachVolume']) expect(accepted[type] ?? 0, type).toBeGreaterThan(20);
  });

  it('replays the same log from the same seed to a deep-equal, byte-identical state', () => {
    fc.assert(
      fc.property(anyScenario, fc.integer(), commands, (scenario, seed, cmds) => {
        const run = play(scenario, seed, cmds);
        const again = replay(scenario, seed, run.log);
        expect(again).toEqual(run.state);
        expect(JSON.stringify(again)).toBe(JSON.stringify(run.state));
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
  });

  it('keeps every invariant when the reference policies play a random scenario', () => {
    fc.assert(
      fc.property(randomScenario, fc.integer(), fc.constantFrom(...POLICIES), (scenario, seed, policy) => {
        const { state } = runScenario(scenario, seed, { policy });
        expect(brokenInvariants(state)).toEqual([]);
      }),
      { seed: SEED + 2, numRuns: 60 },
    );
  });
});

describe('the invariant checker itself', () => {
  // A checker that never complains would make the properties above pass vacuously.
  it('notices a foreign kernel, an over-committed host and an impossible microVM', () => {
    const scenario = SCENARIOS.find((s) => s.apps.some((a) => a.os === 'windows') && s.hosts.some((h) => h.platform === 'linux'))!;
    let state = createSimulation(scenario, 1);
    state = reduce(reduce(state, { type: 'addCluster', clusterId: 'a' }).state, { type: 'start' }).state;
    expect(brokenInvariants(state)).toEqual([]);
    const c = state.clusters.a!;
    const linux = c.hosts.find((h) => h.platform === 'linux')!;
    const windowsApp = scenario.apps.find((a) => a.os === 'windows')!;
    const base = { runtime: 'container' as const, hostId: linux.id, vmId: null, createdAtS: 0, pulledAtS: 0, readyAtS: 0, upAtS: 0, cpuLimit: null, breached: false };
    const forged = (instances: SimState['clusters'][string]['instances']): SimState => ({ ...state, clusters: { a: { ...c, instances } } });
    expect(brokenInvariants(forged([{ ...base, id: 'w', appId: windowsApp.id }])).join('\n')).toMatch(/windows container on a linux kernel/);
    const hog = Array.from({ length: 400 }, (_, i) => ({ ...base, id: `x${i}`, appId: scenario.apps.find((a) => a.os === 'linux')!.id }));
    expect(brokenInvariants(forged(hog)).join('\n')).toMatch(/memory over-committed/);
    expect(brokenInvariants(forged([{ ...base, id: 'm', appId: windowsApp.id, runtime: 'microvm' }])).join('\n')).toMatch(/microVM where none can run/);
  });
});
