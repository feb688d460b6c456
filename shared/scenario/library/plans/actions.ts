import type { PlanActionInput } from '../../plan.ts';
import type { Isolation, Os, Platform, Runtime } from '../../schema.ts';

/**
 * Plan actions as the expert plans write them: one call per line, so a plan reads as a list of
 * decisions. Each is a plain plan-file action (README "Plan files").
 */
export const deploy = (atS: number, id: string, appId: string, runtime: Runtime, target: string, isolation?: Isolation): PlanActionInput => ({
  atS,
  type: 'deploy',
  id,
  appId,
  runtime,
  target,
  ...(isolation ? { isolation } : {}),
});

export const createVm = (
  atS: number,
  id: string,
  hostId: string,
  guestOs: Os,
  vcpu: number,
  memoryMiB: number,
  extra: { containerEngine?: boolean; windowsBuild?: number } = { containerEngine: true },
): PlanActionInput => ({ atS, type: 'createVm', id, hostId, guestOs, vcpu, memoryMiB, ...extra });

export const configureHost = (atS: number, hostId: string, platform: Platform): PlanActionInput => ({ atS, type: 'configureHost', hostId, platform });
export const remove = (atS: number, instanceId: string): PlanActionInput => ({ atS, type: 'remove', instanceId });
export const setLimits = (atS: number, instanceId: string, limits: { cpu?: number | null; weight?: number; memoryMiB?: number | null }): PlanActionInput => ({
  atS,
  type: 'setLimits',
  instanceId,
  ...limits,
});
export const attachVolume = (atS: number, instanceId: string, backup = true): PlanActionInput => ({ atS, type: 'attachVolume', instanceId, backup });
export const snapshotVm = (atS: number, vmId: string): PlanActionInput => ({ atS, type: 'snapshotVm', vmId });
export const restoreVm = (atS: number, vmId: string): PlanActionInput => ({ atS, type: 'restoreVm', vmId });
export const migrateVm = (atS: number, vmId: string, hostId: string): PlanActionInput => ({ atS, type: 'migrateVm', vmId, hostId });

/** The same decision for each of several ids: `each(['a', 'b'], (id) => deploy(0, id, …))`. */
export const each = <T>(items: readonly T[], make: (item: T, i: number) => PlanActionInput | PlanActionInput[]): PlanActionInput[] => items.flatMap(make);
