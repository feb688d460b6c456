import type { ClusterState, VmState } from './types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { findApp } from './topology.ts';

/**
 * Things named as the student's board shows them, so a message points at what is on screen: a
 * host by its scenario name (its id when it has none), an app by its name, a VM by its id, or as
 * "the VM for <app>" when a deploy made it for one instance.
 */
export function hostName(scenario: Scenario, hostId: string): string {
  return scenario.hosts.find((h) => h.id === hostId)?.name || hostId;
}

export const appName = (scenario: Scenario, appId: string): string => findApp(scenario, appId)?.name ?? appId;

export function vmName(scenario: Scenario, cluster: ClusterState, vm: VmState): string {
  if (vm.dedicatedTo === null) return `VM ${vm.id}`;
  const inst = cluster.instances.find((i) => i.id === vm.dedicatedTo);
  return `the VM for ${inst ? appName(scenario, inst.appId) : vm.dedicatedTo}`;
}

/** "A", "A or B", "A, B or C", "A, B, C or 2 more" (with `and` for a list of what happened). */
export function listOf(items: readonly string[], joiner: 'or' | 'and' = 'or', max = 3): string {
  const list = [...new Set(items)];
  if (list.length <= 1) return list[0] ?? '';
  if (list.length > max) return `${list.slice(0, max).join(', ')} ${joiner} ${list.length - max} more`;
  return `${list.slice(0, -1).join(', ')} ${joiner} ${list[list.length - 1]}`;
}

/** Apps by name, for incidents: "A, B and C", "A, B, C and 2 more". */
export const appNames = (scenario: Scenario, appIds: Iterable<string>): string =>
  listOf(
    [...new Set(appIds)].map((id) => appName(scenario, id)),
    'and',
  );
