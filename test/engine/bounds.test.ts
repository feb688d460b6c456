import { describe, expect, it } from 'vitest';
import { DEFAULT_PHYSICS, LIMITS, reduce } from '../../shared/engine/index.ts';
import { inboundSchemas, playerActionSchema } from '../../shared/protocol/index.ts';
import { parsePlan, parseScenario } from '../../shared/scenario/parse.ts';
import { C, linuxApp, linuxHost, running, scenario } from './helpers.ts';

/** A valid file with every optional number spelled out, physics included. */
const full = () => ({
  schemaVersion: 1,
  id: 'full',
  title: 'Every number',
  summary: 'Each field that holds a number, set.',
  version: 3,
  durationS: 600,
  debrief: 'None.',
  budget: 50,
  hosts: [{ id: 'h1', cpu: 8, memoryGiB: 16, platform: 'linux', kvm: true, costPerHour: 10 }],
  apps: [{ id: 'web', name: 'Web', cpu: 1, memoryMiB: 512, imageMiB: 100, replicas: 2, demand: 100, capacityPerReplica: 80 }],
  events: [
    { atS: 10, type: 'trafficSpike', appId: 'web', factor: 2, durationS: 30 },
    { atS: 20, type: 'noisyNeighbour', appId: 'web', factor: 3, durationS: 30 },
  ],
  physics: structuredClone(DEFAULT_PHYSICS) as unknown,
});

/** Every path to a number in a JSON-like value. */
function numberPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'number') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => numberPaths(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => numberPaths(v, [...path, k]));
  return [];
}
function withNumber(path: (string | number)[], n: number): Record<string, unknown> {
  const file = full() as Record<string, unknown>;
  let at = file as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = n;
  return file;
}
const shown = (path: (string | number)[]) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');
const errorsOf = (input: unknown) => {
  const parsed = parseScenario(input);
  return parsed.ok ? [] : parsed.errors;
};

describe('every number in a scenario file has a finite range', () => {
  it('accepts the file with every number set, the DOMAIN.md figures as physics overrides', () => {
    expect(errorsOf(full())).toEqual([]);
  });

  it('refuses the reported defect field by field, each with its range', () => {
    const file = full();
    file.budget = 5e-324;
    file.hosts[0]!.costPerHour = 1e308;
    file.apps[0]!.demand = 1e308;
    (file.physics as Record<string, unknown>).imagePullMiBPerS = 5e-324;
    const errors = errorsOf(file);
    for (const expected of [
      'budget: must be at least 0.01',
      'hosts[0].costPerHour: must be at most 10000',
      'apps[0].demand: must be at most 1000000',
      'physics.imagePullMiBPerS: must be at least 1',
    ]) {
      expect(errors, errors.join('\n')).toContain(expected);
    }
  });

  it('refuses a huge value in every numeric field, and a negative one', () => {
    const paths = numberPaths(full());
    expect(paths.length).toBeGreaterThan(50);
    for (const path of paths) {
      const where = shown(path);
      for (const n of [1e308, -1]) {
        const errors = errorsOf(withNumber(path, n));
        expect(errors.some((e) => e.startsWith(`${where}:`) || (path[0] === 'version' && e.startsWith('version:'))), `${where} = ${n}: ${errors.join('; ')}`).toBe(true);
      }
    }
  });

  it('refuses Infinity, as JSON gives it for 1e309', () => {
    expect(errorsOf(JSON.parse(JSON.stringify(full()).replace('"demand":100', '"demand":1e309')))).toContain('apps[0].demand: must be a number');
  });

  it('keeps a positive figure positive: zero and below say so, a crumb above gets the minimum', () => {
    const file = full();
    file.hosts[0]!.memoryGiB = -4;
    expect(errorsOf(file)).toEqual(['hosts[0].memoryGiB: must be positive']);
    file.hosts[0]!.memoryGiB = 0.01;
    expect(errorsOf(file)).toEqual(['hosts[0].memoryGiB: must be at least 0.25']);
  });
});

describe('player actions are bounded alike on the wire, in plan files and in the engine', () => {
  const act = (action: object) => playerActionSchema.safeParse(action).success;

  it('takes a CPU limit from a twentieth of a core to 256 cores, or none', () => {
    expect(LIMITS.minCpuLimit).toBe(0.05);
    for (const [cpu, ok] of [[0.05, true], [256, true], [null, true], [0.04, false], [5e-324, false], [257, false], [0, false]] as const) {
      expect(act({ type: 'setLimits', instanceId: 'i', cpu }), String(cpu)).toBe(ok);
      expect(parsePlan({ actions: [{ atS: 0, type: 'setLimits', instanceId: 'i', cpu }] }).ok, `plan ${cpu}`).toBe(ok);
    }
    const state = running(scenario({ hosts: [linuxHost('h')], apps: [linuxApp('web')] }));
    const placed = reduce(state, { type: 'deploy', clusterId: C, id: 'w', appId: 'web', runtime: 'container', target: 'h' }).state;
    expect(reduce(placed, { type: 'setLimits', clusterId: C, instanceId: 'w', cpu: LIMITS.minCpuLimit }).rejection).toBeNull();
    expect(reduce(placed, { type: 'setLimits', clusterId: C, instanceId: 'w', cpu: 5e-324 }).rejection?.code).toBe('bad-value');
  });

  it('takes a VM of 1 MiB to the biggest host, 1 to 256 vCPUs (smaller than its guest OS is the rules to refuse)', () => {
    const vm = (vcpu: number, memoryMiB: number) => ({ type: 'createVm', hostId: 'h', guestOs: 'linux', vcpu, memoryMiB });
    for (const [vcpu, memoryMiB, ok] of [[1, 1, true], [LIMITS.maxVcpu, LIMITS.maxVmMemoryMiB, true], [1, 0.5, false], [1, 5e-324, false], [1, LIMITS.maxVmMemoryMiB + 1, false], [257, 1024, false], [0, 1024, false]] as const) {
      expect(act(vm(vcpu, memoryMiB)), `${vcpu}/${memoryMiB}`).toBe(ok);
      expect(parsePlan({ actions: [{ atS: 0, ...vm(vcpu, memoryMiB) }] }).ok, `plan ${vcpu}/${memoryMiB}`).toBe(ok);
    }
    expect(LIMITS.maxVmMemoryMiB).toBe(4096 * 1024);
  });

  it('takes a speed the engine takes, and injected events within the scenario ranges', () => {
    const speed = (s: number) => inboundSchemas['host:speed'].safeParse({ speed: s }).success;
    expect([LIMITS.minSpeed, LIMITS.maxSpeed].map(speed)).toEqual([true, true]);
    expect([LIMITS.minSpeed / 2, LIMITS.maxSpeed + 1].map(speed)).toEqual([false, false]);
    const inject = (factor: number, durationS: number) => inboundSchemas['host:inject'].safeParse({ event: { type: 'trafficSpike', appId: 'web', factor, durationS } }).success;
    expect(inject(0.01, 1)).toBe(true);
    expect(inject(100, 7200)).toBe(true);
    expect(inject(5e-324, 10)).toBe(false);
    expect(inject(1e308, 10)).toBe(false);
    expect(inject(2, 0.001)).toBe(false);
    expect(inject(2, 1e308)).toBe(false);
  });
});
