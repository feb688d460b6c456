import { z } from 'zod';
import { LIMITS } from '../engine/limits.ts';
import { CPU_WEIGHT } from '../engine/topology.ts';
import { isolationSchema, osSchema, platformSchema, runtimeSchema, windowsBuildSchema } from './schema.ts';

const ref = z.string().min(1, { error: 'must not be empty' }).max(64);
const atMost = (max: number) => ({ error: `must be at most ${max}` });
// The same bounds as the protocol's: beyond them a number is no VM or limit anyone means.
const at = { atS: z.number().nonnegative({ error: 'must not be negative' }).max(7200, atMost(7200)) };

/** One timed player action in a plan file; the plan is for one cluster, so no clusterId. */
export const planActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...at, type: z.literal('configureHost'), hostId: ref, platform: platformSchema }),
  z.strictObject({
    ...at,
    type: z.literal('createVm'),
    id: ref.optional(),
    hostId: ref,
    guestOs: osSchema,
    vcpu: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(LIMITS.maxVcpu, atMost(LIMITS.maxVcpu)),
    memoryMiB: z
      .number()
      .positive({ error: 'must be positive', abort: true })
      .min(1, { error: 'must be at least 1' })
      .max(LIMITS.maxVmMemoryMiB, atMost(LIMITS.maxVmMemoryMiB)),
    containerEngine: z.boolean().optional(),
    windowsBuild: windowsBuildSchema.optional(),
  }),
  z.strictObject({ ...at, type: z.literal('deleteVm'), vmId: ref }),
  z.strictObject({ ...at, type: z.literal('deploy'), id: ref.optional(), appId: ref, runtime: runtimeSchema, target: ref, isolation: isolationSchema.optional() }),
  z.strictObject({ ...at, type: z.literal('remove'), instanceId: ref }),
  z.strictObject({
    ...at,
    type: z.literal('setLimits'),
    instanceId: ref,
    cpu: z
      .number()
      .positive({ error: 'must be positive', abort: true })
      .min(LIMITS.minCpuLimit, { error: `must be at least ${LIMITS.minCpuLimit}` })
      .max(LIMITS.maxCpuLimit, atMost(LIMITS.maxCpuLimit))
      .nullable()
      .optional(),
    // cgroup v2 cpu.weight; an omitted field stays as it is.
    weight: z
      .number()
      .int({ error: 'must be a whole number' })
      .min(CPU_WEIGHT.min, { error: `must be at least ${CPU_WEIGHT.min}` })
      .max(CPU_WEIGHT.max, atMost(CPU_WEIGHT.max))
      .optional(),
    // memory.max in MiB, or null for none.
    memoryMiB: z
      .number()
      .positive({ error: 'must be positive', abort: true })
      .min(1, { error: 'must be at least 1' })
      .max(LIMITS.maxVmMemoryMiB, atMost(LIMITS.maxVmMemoryMiB))
      .nullable()
      .optional(),
  }),
  z.strictObject({ ...at, type: z.literal('ready'), ready: z.boolean().optional() }),
  // Moving VMs and keeping data: vmId may also name a VM-runtime instance (its dedicated VM).
  z.strictObject({ ...at, type: z.literal('migrateVm'), vmId: ref, hostId: ref }),
  z.strictObject({ ...at, type: z.literal('snapshotVm'), vmId: ref }),
  z.strictObject({ ...at, type: z.literal('restoreVm'), vmId: ref }),
  z.strictObject({ ...at, type: z.literal('attachVolume'), instanceId: ref, backup: z.boolean() }),
]);

export const planSchema = z.strictObject({ actions: z.array(planActionSchema).max(10_000, { error: 'at most 10000 actions' }) });
export type Plan = z.output<typeof planSchema>;
/** One plan action as an author writes it. */
export type PlanActionInput = z.input<typeof planActionSchema>;
