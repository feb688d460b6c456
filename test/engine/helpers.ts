import { expect } from 'vitest';
import type { Action, ClusterState, InstanceState, Rejection, SimState, VmState } from '../../shared/engine/index.ts';
import type { Scenario, ScenarioInput } from '../../shared/scenario/schema.ts';
import { CONCEPTS, createSimulation, reduce } from '../../shared/engine/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';

type HostInput = ScenarioInput['hosts'][number];
type AppInput = ScenarioInput['apps'][number];
type EventInput = NonNullable<ScenarioInput['events']>[number];

/** The one cluster most rule tests play with. */
export const C = 'c1';

/** A tiny valid scenario; tests pass only the hosts, apps and events the rule needs. */
export function scenario(parts: {
  hosts: HostInput[];
  apps: AppInput[];
  events?: EventInput[];
  durationS?: number;
  allow?: ScenarioInput['allow'];
  physics?: ScenarioInput['physics'];
  budget?: number;
}): Scenario {
  const parsed = parseScenario({
    schemaVersion: 1,
    id: 'rule-test',
    title: 'Rule test',
    summary: 'A scenario built inline by a test.',
    debrief: 'None.',
    durationS: parts.durationS ?? 600,
    hosts: parts.hosts,
    apps: parts.apps,
    events: parts.events ?? [],
    ...(parts.allow ? { allow: parts.allow } : {}),
    ...(parts.physics ? { physics: parts.physics } : {}),
    ...(parts.budget !== undefined ? { budget: parts.budget } : {}),
  });
  if (!parsed.ok) throw new Error(`test scenario is invalid:\n${parsed.errors.join('\n')}`);
  return parsed.value;
}

export const linuxHost = (id: string, extra: Partial<HostInput> = {}): HostInput => ({ id, cpu: 8, memoryGiB: 16, platform: 'linux', kvm: true, costPerHour: 36, ...extra });
export const windowsHost = (id: string, extra: Partial<HostInput> = {}): HostInput => ({ id, cpu: 8, memoryGiB: 32, platform: 'windows', kvm: true, costPerHour: 36, ...extra });
export const bareMetal = (id: string, extra: Partial<HostInput> = {}): HostInput => ({ id, cpu: 8, memoryGiB: 16, platform: 'hypervisor', kvm: true, costPerHour: 36, ...extra });
export const linuxApp = (id: string, extra: Partial<AppInput> = {}): AppInput => ({ id, name: `App ${id}`, os: 'linux', cpu: 1, memoryMiB: 512, imageMiB: 100, ...extra });
export const windowsApp = (id: string, extra: Partial<AppInput> = {}): AppInput => ({ id, name: `App ${id}`, os: 'windows', cpu: 1, memoryMiB: 1024, imageMiB: 500, ...extra });

/** A running room with one cluster `C` in it. */
export function running(s: Scenario, seed = 1): SimState {
  let state = createSimulation(s, seed);
  state = ok(state, { type: 'addCluster', clusterId: C });
  return ok(state, { type: 'start' });
}

/** Applies an action that must be accepted. */
export function ok(state: SimState, action: Action): SimState {
  const r = reduce(state, action);
  expect(r.rejection, `${action.type} should be accepted`).toBeNull();
  return r.state;
}

/** Applies actions that must all be accepted. */
export function all(state: SimState, actions: Action[]): SimState {
  return actions.reduce(ok, state);
}

/**
 * Applies an action that must be refused: the state comes back as the very same object, and the
 * reason is a sentence a student can read, with a code and (when given) the concept it teaches.
 */
export function refused(state: SimState, action: Action, code: string, concept: Rejection['concept']): Rejection {
  const r = reduce(state, action);
  expect(r.rejection, `${action.type} should be refused with ${code}`).not.toBeNull();
  const rejection = r.rejection!;
  expect(r.state).toBe(state);
  expect(rejection.code).toBe(code);
  expect(rejection.concept).toBe(concept);
  expectSentence(rejection.message);
  // A refusal that teaches something explains it, not just names it.
  if (concept !== null) expect(rejection.message.split(/\s+/).length).toBeGreaterThanOrEqual(8);
  return rejection;
}

/** A reason a student can read: several words, no stray whitespace, ending like a sentence. */
export function expectSentence(message: string): void {
  expect(message.trim()).toBe(message);
  expect(message.split(/\s+/).length).toBeGreaterThanOrEqual(3);
  expect(message).toMatch(/[.!?)]$/);
}

/** Concepts the engine names must be from the fixed list. */
export const isConcept = (c: unknown): boolean => c === null || (CONCEPTS as readonly unknown[]).includes(c);

export const cluster = (state: SimState, id = C): ClusterState => state.clusters[id]!;
export const instance = (state: SimState, id: string, clusterId = C): InstanceState => {
  const found = cluster(state, clusterId).instances.find((i) => i.id === id);
  if (!found) throw new Error(`no instance ${id}`);
  return found;
};
export const vm = (state: SimState, id: string, clusterId = C): VmState => {
  const found = cluster(state, clusterId).vms.find((v) => v.id === id);
  if (!found) throw new Error(`no VM ${id}`);
  return found;
};

/** Ticks the clock n seconds, every tick accepted. */
export function ticks(state: SimState, n: number): SimState {
  let s = state;
  for (let i = 0; i < n; i++) s = ok(s, { type: 'tick' });
  return s;
}

/** Player action shorthands for cluster `C`. */
export const deploy = (appId: string, runtime: 'container' | 'vm' | 'microvm', target: string, id?: string): Action => ({
  type: 'deploy',
  clusterId: C,
  appId,
  runtime,
  target,
  ...(id ? { id } : {}),
});
export const createVm = (id: string, hostId: string, guestOs: 'linux' | 'windows', memoryMiB: number, vcpu = 2, containerEngine = true): Action => ({
  type: 'createVm',
  clusterId: C,
  id,
  hostId,
  guestOs,
  vcpu,
  memoryMiB,
  containerEngine,
});
export const configureHost = (hostId: string, platform: 'linux' | 'windows' | 'hypervisor'): Action => ({ type: 'configureHost', clusterId: C, hostId, platform });
export const inject = (event: Extract<Action, { type: 'injectEvent' }>['event']): Action => ({ type: 'injectEvent', event });

/** What a generated event names by number: its kind, which host or app (mod the lists), its figures. */
export interface EventSpec {
  readonly type: 'trafficSpike' | 'noisyNeighbour' | 'kernelExploit' | 'patchDay' | 'hypervisorEscape' | 'hostFailure' | 'complianceAudit' | 'dataLoss';
  readonly pick: number;
  readonly os: 'linux' | 'windows';
  readonly factor: number;
  readonly durationS: number;
}

/** A generated event made real against a scenario's host and app ids, at second `atS`. */
export function eventOf(e: EventSpec, atS: number, hosts: readonly string[], apps: readonly string[]): NonNullable<ScenarioInput['events']>[number] {
  switch (e.type) {
    case 'trafficSpike':
    case 'noisyNeighbour':
      return { atS, type: e.type, appId: apps[e.pick % apps.length]!, factor: e.factor, durationS: e.durationS };
    case 'kernelExploit':
    case 'patchDay':
      return { atS, type: e.type, os: e.os };
    case 'hypervisorEscape':
    case 'hostFailure':
      return { atS, type: e.type, hostId: hosts[e.pick % hosts.length]! };
    case 'dataLoss':
      return { atS, type: e.type, appId: apps[e.pick % apps.length]! };
    default:
      return { atS, type: 'complianceAudit' };
  }
}
