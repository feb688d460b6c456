import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlan, parseScenario } from '../../shared/scenario/parse.ts';
import { SCENARIO_INPUTS } from '../../shared/scenario/library/index.ts';

/** A minimal valid scenario file, as JSON would give it; each test breaks a copy. */
const valid = () => ({
  schemaVersion: 1,
  id: 'ok',
  title: 'A valid scenario',
  summary: 'Used by the schema tests.',
  durationS: 120,
  debrief: 'Nothing to say.',
  hosts: [
    { id: 'h1', cpu: 4, memoryGiB: 8, platform: 'linux', kvm: true, costPerHour: 10 },
    { id: 'h2', cpu: 4, memoryGiB: 8 },
  ],
  apps: [{ id: 'web', name: 'Web', cpu: 1, memoryMiB: 256 }],
  events: [{ atS: 10, type: 'trafficSpike', appId: 'web', factor: 2, durationS: 30 }] as unknown[],
});
type File = ReturnType<typeof valid> & Record<string, unknown>;

function errorsOf(input: unknown): string[] {
  const parsed = parseScenario(input);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? [] : parsed.errors;
}
const broken = (edit: (f: File) => void): string[] => {
  const file = valid() as File;
  edit(file);
  return errorsOf(file);
};

describe('scenario files: a valid file', () => {
  it('parses, with defaults filled in', () => {
    const parsed = parseScenario(valid());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.hosts[1]).toMatchObject({ platform: 'linux', kvm: true, costPerHour: 1 });
    expect(parsed.value.apps[0]).toMatchObject({ os: 'linux', replicas: 1, trust: 'trusted', data: 'public', needsCustomKernel: false, imageMiB: 100 });
    expect(parsed.value.allow).toEqual({ runtimes: ['container', 'vm', 'microvm'], changePlatform: true });
    expect(parsed.value.physics).toEqual({});
  });

  it('accepts every built-in scenario as authored, and the same as JSON text', () => {
    for (const input of SCENARIO_INPUTS) {
      expect(parseScenario(input).ok, input.id).toBe(true);
      expect(parseScenario(JSON.parse(JSON.stringify(input))).ok, input.id).toBe(true);
    }
  });
});

describe('scenario files: each problem is named by its path', () => {
  const cases: [string, (f: File) => void, string][] = [
    ['a non-positive memory', (f) => (f.hosts[0]!.memoryGiB = 0), 'hosts[0].memoryGiB: must be positive'],
    ['a negative memory', (f) => (f.hosts[1]!.memoryGiB = -8), 'hosts[1].memoryGiB: must be positive'],
    ['fractional cores', (f) => (f.hosts[0]!.cpu = 2.5), 'hosts[0].cpu: must be a whole number of cores'],
    ['an unknown platform', (f) => ((f.hosts[0] as Record<string, unknown>).platform = 'macos'), 'hosts[0].platform: must be one of "linux", "windows", "hypervisor"'],
    ['an unknown host field', (f) => ((f.hosts[0] as Record<string, unknown>).gpu = 1), 'hosts[0]: unknown field "gpu"'],
    ['an unknown top-level field', (f) => (f.author = 'me'), '(root): unknown field "author"'],
    ['an unknown app field', (f) => ((f.apps[0] as Record<string, unknown>).colour = 'red'), 'apps[0]: unknown field "colour"'],
    ['a wrong schemaVersion', (f) => (f.schemaVersion = 2), 'schemaVersion: must be 1 (the only scenario format so far)'],
    ['a duplicate host id', (f) => (f.hosts[1]!.id = 'h1'), 'hosts[1].id: duplicate id "h1"'],
    ['a duplicate app id', (f) => f.apps.push({ id: 'web', name: 'Again', cpu: 1, memoryMiB: 1 }), 'apps[1].id: duplicate id "web"'],
    ['an event for an unknown app', (f) => (f.events = [{ atS: 1, type: 'noisyNeighbour', appId: 'ghost', factor: 2, durationS: 5 }]), 'events[0].appId: no app with id "ghost"'],
    ['an event for an unknown host', (f) => (f.events = [{ atS: 1, type: 'hostFailure', hostId: 'h9' }]), 'events[0].hostId: no host with id "h9"'],
    ['an event after the end', (f) => (f.events = [{ atS: 120, type: 'complianceAudit' }]), 'events[0].atS: must be before the end (durationS 120)'],
    ['an unknown event type', (f) => (f.events = [{ atS: 1, type: 'meteorStrike' }]), 'events[0].type: must be one of'],
    ['an event missing its os', (f) => (f.events = [{ atS: 1, type: 'kernelExploit' }]), 'events[0].os: must be one of "linux", "windows"'],
    ['an app with no name', (f) => delete (f.apps[0] as Record<string, unknown>).name, 'apps[0].name: is required'],
    ['hosts of the wrong type', (f) => ((f as Record<string, unknown>).hosts = 'h1,h2'), 'hosts: must be an array'],
    ['no hosts at all', (f) => (f.hosts = []), 'hosts: needs at least one host'],
    ['a too short scenario', (f) => (f.durationS = 10), 'durationS: must be at least 30'],
    ['a bad id', (f) => (f.hosts[0]!.id = 'has space'), 'hosts[0].id: must be letters, digits, - or _'],
    ['no runtimes allowed', (f) => (f.allow = { runtimes: [] }), 'allow.runtimes: must allow at least one runtime'],
    ['an unknown physics figure', (f) => (f.physics = { warpFactor: 9 }), 'physics: unknown field "warpFactor"'],
    ['a physics figure out of range', (f) => (f.physics = { demandJitter: 2 }), 'physics.demandJitter:'],
    ['a Windows build on a Linux app', (f) => Object.assign(f.apps[0]!, { windowsBuild: 17763 }), 'apps[0].windowsBuild: is for Windows apps only (os "windows")'],
    ['the .NET Framework on a Linux app', (f) => Object.assign(f.apps[0]!, { dotnetFramework: true }), 'apps[0].dotnetFramework: is for Windows apps only'],
    [
      'a base image on a .NET Framework app',
      (f) => Object.assign(f.apps[0]!, { os: 'windows', dotnetFramework: true, baseImage: { id: 'mine', miB: 10 } }),
      'apps[0].baseImage: must be left out for a .NET Framework app',
    ],
    ['a Windows build that is no build', (f) => Object.assign(f.hosts[0]!, { windowsBuild: 17763.5 }), 'hosts[0].windowsBuild: must be a whole Windows build number'],
    ['a Windows build out of range', (f) => Object.assign(f.apps[0]!, { os: 'windows', windowsBuild: 99_999 }), 'apps[0].windowsBuild: must be at most 65535'],
    ['a tenant that is no id', (f) => Object.assign(f.apps[0]!, { tenant: 'the bakery' }), 'apps[0].tenant: must be letters, digits, - or _'],
  ];
  for (const [what, edit, message] of cases) {
    it(`refuses ${what}: ${message}`, () => {
      const errors = broken(edit);
      expect(errors.some((e) => e.startsWith(message)), errors.join('\n')).toBe(true);
    });
  }

  it('lists every problem in a file with many, field and cross-field alike', () => {
    const errors = broken((f) => {
      f.schemaVersion = 3;
      f.hosts[0]!.memoryGiB = -1;
      f.hosts[1]!.id = 'h1';
      (f.apps[0] as Record<string, unknown>).extra = true;
      f.events = [
        { atS: 500, type: 'hostFailure', hostId: 'nowhere' },
        { atS: 1, type: 'volcano' },
        { atS: 2, type: 'trafficSpike', appId: 'ghost', factor: 2, durationS: 5 },
      ];
    });
    for (const expected of [
      'schemaVersion: must be 1 (the only scenario format so far)',
      'hosts[0].memoryGiB: must be positive',
      'hosts[1].id: duplicate id "h1"',
      'apps[0]: unknown field "extra"',
      'events[0].atS: must be before the end (durationS 120)',
      'events[0].hostId: no host with id "nowhere"',
      'events[1].type: must be one of',
      'events[2].appId: no app with id "ghost"',
    ]) {
      expect(errors.some((e) => e.startsWith(expected)), `${expected}\nin:\n${errors.join('\n')}`).toBe(true);
    }
  });

  it('leads every message with where the problem is', () => {
    const errors = broken((f) => {
      f.hosts[0]!.cpu = -1;
      (f.apps[0] as Record<string, unknown>).os = 'beos';
    });
    for (const e of errors) expect(e).toMatch(/^(\(root\)|[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+(\[\d+\])?)*): \S/);
  });
});

describe('scenario files: garbage in, a list of problems out, never a throw', () => {
  it('refuses things that are not scenario objects', () => {
    for (const input of [null, undefined, 0, 42, 'scenario', '', true, [], [valid()], () => 1, new Date(0), Symbol('x')]) {
      const errors = errorsOf(input);
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(typeof e).toBe('string');
    }
    expect(errorsOf(null)).toEqual(['(root): must be an object']);
    expect(errorsOf([])).toEqual(['(root): must be an object']);
  });

  it('refuses deeply wrong types field by field', () => {
    const errors = errorsOf({ schemaVersion: '1', id: 7, title: [], summary: {}, durationS: '600', debrief: null, hosts: [null, 'h', { id: {} }], apps: { web: 1 }, events: 'soon' });
    for (const field of ['schemaVersion', 'id', 'title', 'summary', 'durationS', 'debrief', 'hosts[0]', 'hosts[1]', 'hosts[2].id', 'apps', 'events']) {
      expect(errors.some((e) => e.startsWith(`${field}:`)), `${field} in\n${errors.join('\n')}`).toBe(true);
    }
  });

  it('never throws, whatever it is given (fast-check anything)', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withObjectString: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }), (input) => {
        const parsed = parseScenario(input);
        if (!parsed.ok) expect(parsed.errors.length).toBeGreaterThan(0);
      }),
      { seed: 4242, numRuns: 500 },
    );
  });

  it('never throws on near-miss scenario files (valid files with random fields replaced)', () => {
    const keys = ['schemaVersion', 'id', 'title', 'durationS', 'hosts', 'apps', 'events', 'allow', 'physics'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), fc.nat(3), fc.anything(), (key, value, index, inner) => {
        const file = valid() as Record<string, unknown>;
        file[key] = value;
        const hosts = file.hosts;
        if (Array.isArray(hosts) && hosts.length) (hosts[index % hosts.length] as Record<string, unknown>) = { ...(hosts[index % hosts.length] as object), cpu: inner };
        const parsed = parseScenario(file);
        if (!parsed.ok) for (const e of parsed.errors) expect(e).toMatch(/: /);
      }),
      { seed: 4243, numRuns: 500 },
    );
  });
});

describe('plan files', () => {
  const plan = () => ({
    actions: [
      { atS: 0, type: 'configureHost', hostId: 'h1', platform: 'hypervisor' },
      { atS: 0, type: 'createVm', id: 'vm1', hostId: 'h1', guestOs: 'linux', vcpu: 4, memoryMiB: 8192, containerEngine: true },
      { atS: 0, type: 'deploy', id: 'web-1', appId: 'web', runtime: 'container', target: 'vm1' },
      { atS: 30, type: 'setLimits', instanceId: 'web-1', cpu: null },
      { atS: 60, type: 'ready' },
      { atS: 90, type: 'remove', instanceId: 'web-1' },
      { atS: 95, type: 'deleteVm', vmId: 'vm1' },
    ] as Record<string, unknown>[],
  });

  it('accepts the example from the issue', () => {
    const parsed = parsePlan(plan());
    expect(parsed.ok).toBe(true);
    expect(parsePlan({ actions: [] }).ok).toBe(true);
  });

  it('names each problem by its path', () => {
    const p = plan();
    p.actions[0]!.atS = -1;
    p.actions[1]!.vcpu = 1.5;
    p.actions[2]!.runtime = 'pod';
    p.actions[3]!.cpu = 0;
    p.actions[4]!.type = 'dance';
    p.actions[5]!.extra = 1;
    delete p.actions[6]!.vmId;
    const parsed = parsePlan(p);
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    for (const expected of [
      'actions[0].atS: must not be negative',
      'actions[1].vcpu: must be a whole number',
      'actions[2].runtime: must be one of "container", "vm", "microvm"',
      'actions[3].cpu: must be positive',
      'actions[4].type: must be one of',
      'actions[5]: unknown field "extra"',
      'actions[6].vmId: is required',
    ]) {
      expect(errors.some((e) => e.startsWith(expected)), `${expected}\nin:\n${errors.join('\n')}`).toBe(true);
    }
  });

  it('refuses a plan that is not an object with an actions list', () => {
    for (const input of [null, [], 'plan', { actions: 'all' }, { steps: [] }]) expect(parsePlan(input).ok).toBe(false);
    const parsed = parsePlan({ actions: 'all' });
    expect(parsed.ok ? [] : parsed.errors).toEqual(['actions: must be an array']);
  });

  it('never throws, whatever it is given (fast-check anything)', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true }), (input) => {
        parsePlan(input);
        parsePlan({ actions: [input] });
      }),
      { seed: 4244, numRuns: 500 },
    );
  });
});
