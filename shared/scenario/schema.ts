import { z } from 'zod';

const id = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(40, { error: 'must be at most 40 characters' })
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, { error: 'must be letters, digits, - or _' });
// Every figure has a finite range. A run sums and multiplies them over up to 7200 seconds, and
// one left open (1e308, 5e-324) ends as Infinity, NaN or a division by almost nothing.
const atMost = (max: number) => ({ error: `must be at most ${max}` });
/** Above zero, at least `min` (so nothing divides by a crumb) and at most `max`. */
const positive = (min: number, max: number) =>
  z
    .number()
    .positive({ error: 'must be positive', abort: true })
    .min(min, { error: `must be at least ${min}` })
    .max(max, atMost(max));
const nonNegative = (max: number) => z.number().nonnegative({ error: 'must not be negative' }).max(max, atMost(max));

export const osSchema = z.enum(['linux', 'windows']);
/**
 * A Windows build number: 9600 is Windows Server 2012 R2, 14393 Windows Server 2016 (the first with
 * containers), 17763 Windows Server 2019, 20348 Windows Server 2022, 26100 Windows Server 2025.
 */
export const windowsBuildSchema = z
  .number()
  .int({ error: 'must be a whole Windows build number, such as 17763 (Windows Server 2019)' })
  .min(6000, { error: 'must be at least 6000 (Windows Server 2008)' })
  .max(65_535, atMost(65_535));
export const platformSchema = z.enum(['linux', 'windows', 'hypervisor']);
export const runtimeSchema = z.enum(['container', 'vm', 'microvm']);
/** How a Windows container is isolated: on its host's kernel, or in a Hyper-V utility VM of its own. */
export const isolationSchema = z.enum(['process', 'hyperv']);

export const hostSchema = z.strictObject({
  id,
  name: z.string().max(60).optional(),
  cpu: z.number().int({ error: 'must be a whole number of cores' }).positive({ error: 'must be positive' }).max(256, atMost(256)),
  memoryGiB: positive(0.25, 4096),
  platform: platformSchema.default('linux'),
  kvm: z.boolean().default(true),
  costPerHour: nonNegative(10_000).default(1),
  /**
   * The Windows build the host runs as a Windows host, and is installed with when it is reinstalled
   * as one; physics.windowsBuild (Windows Server 2022) when left out. Process-isolated Windows
   * containers need an image of this build.
   */
  windowsBuild: windowsBuildSchema.optional(),
});

export const appSchema = z.strictObject({
  id,
  name: z.string().min(1).max(60),
  description: z.string().max(400).optional(),
  os: osSchema.default('linux'),
  cpu: positive(0.05, 64),
  memoryMiB: positive(1, 262_144),
  /** The whole image, its base layers included. */
  imageMiB: positive(1, 65_536).default(100),
  /**
   * The base image the app's image is built on (`{ "id": "debian-12", "miB": 120 }`), its size within
   * `imageMiB`. Read-only layers are shared: an engine that already holds this base, for any app,
   * pulls only the rest. Apps naming the same base id must give it the same size.
   */
  baseImage: z.strictObject({ id, miB: positive(1, 65_536) }).optional(),
  replicas: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(50, atMost(50)).default(1),
  /** Requests per second. */
  demand: nonNegative(1_000_000).default(100),
  capacityPerReplica: positive(0.01, 1_000_000).optional(),
  trust: z.enum(['trusted', 'untrusted']).default('trusted'),
  data: z.enum(['public', 'confidential', 'regulated']).default('public'),
  needsCustomKernel: z.boolean().default(false),
  /** The app keeps data (a database, uploads): lost with a container rebuilt from its image unless it is on a volume. */
  stateful: z.boolean().default(false),
  /**
   * Windows apps only: the Windows build its container image is made for (its base image's build).
   * In process isolation it runs only on a kernel of that build; with Hyper-V isolation on a host of
   * that build or newer. Below 14393 (Windows Server 2016) there is no container image at all: such
   * an app runs only in a VM. Left out, the image is rebuilt for whatever build it is deployed on.
   */
  windowsBuild: windowsBuildSchema.optional(),
  /**
   * Windows apps only: built on the .NET Framework. Its container image must then start from Windows
   * Server Core (physics.serverCoreImageMiB, several GB; Nano Server has no .NET Framework), which the
   * engine adds beneath `imageMiB`, here the app's own layers; apps of one build share that base on an
   * engine. In a VM it needs only its own files: a Windows guest has the .NET Framework.
   */
  dotnetFramework: z.boolean().optional(),
  /**
   * The customer (tenant) the app belongs to, where you host several. A tenant trusts its own apps
   * and no other tenant's: a compliance audit fails a tenant's confidential or regulated data on any
   * kernel that also runs another tenant's code, as clouds keep customers on kernels of their own.
   * Apps without a tenant are your own (one tenant together).
   */
  tenant: id.optional(),
});

const at = { atS: nonNegative(7200) };
const factor = positive(0.01, 100);
const durationS = positive(1, 7200);
export const scenarioEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...at, type: z.literal('trafficSpike'), appId: id, factor, durationS }),
  z.strictObject({ ...at, type: z.literal('noisyNeighbour'), appId: id, factor, durationS }),
  z.strictObject({ ...at, type: z.literal('kernelExploit'), os: osSchema }),
  z.strictObject({ ...at, type: z.literal('hypervisorEscape'), hostId: id }),
  z.strictObject({ ...at, type: z.literal('hostFailure'), hostId: id }),
  z.strictObject({ ...at, type: z.literal('patchDay'), os: osSchema }),
  z.strictObject({ ...at, type: z.literal('complianceAudit') }),
  /** A bad update or ransomware corrupts the app's data at that second. */
  z.strictObject({ ...at, type: z.literal('dataLoss'), appId: id }),
]);

/** The same events as a teacher injects them live: they fire at the current second, so no atS. */
export const liveEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('trafficSpike'), appId: id, factor, durationS }),
  z.strictObject({ type: z.literal('noisyNeighbour'), appId: id, factor, durationS }),
  z.strictObject({ type: z.literal('kernelExploit'), os: osSchema }),
  z.strictObject({ type: z.literal('hypervisorEscape'), hostId: id }),
  z.strictObject({ type: z.literal('hostFailure'), hostId: id }),
  z.strictObject({ type: z.literal('patchDay'), os: osSchema }),
  z.strictObject({ type: z.literal('complianceAudit') }),
  z.strictObject({ type: z.literal('dataLoss'), appId: id }),
]);

const partial = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape).partial();
const byOs = (max: number) => partial({ linux: nonNegative(max), windows: nonNegative(max) });
const overhead = () => nonNegative(0.9);
/** Seconds, MiB, cost units and points: generous for teaching, finite over any run. */
export const physicsOverridesSchema = z
  .strictObject({
    vmBootS: byOs(3600),
    type2BootFactor: z.number().min(1, { error: 'must be at least 1' }).max(10, atMost(10)),
    containerStartS: byOs(600),
    microvmBootS: nonNegative(60),
    imagePullMiBPerS: positive(1, 100_000),
    hostRebootS: byOs(3600),
    patchSettleS: nonNegative(3600),
    hostRepairS: nonNegative(7200),
    guestOsMiB: byOs(65_536),
    vmMinFreeMiB: nonNegative(65_536),
    hostReservedMiB: partial({ linux: nonNegative(65_536), windows: nonNegative(65_536), hypervisor: nonNegative(65_536) }),
    containerOverheadMiB: nonNegative(4096),
    containerEngineMiB: nonNegative(16_384),
    microvmVmmMiB: nonNegative(4096),
    microvmKernelMiB: nonNegative(4096),
    microvmMinGuestMiB: nonNegative(65_536),
    cpuOverhead: partial({ vmType1: overhead(), vmType2: overhead(), container: overhead(), microvm: overhead() }),
    // 1 is no overcommit (a core per vCPU); past 100 vCPUs per core no scheduler keeps anything usable.
    vcpuOvercommit: partial({ vm: positive(1, 100), microvm: positive(1, 100) }),
    contentionPenalty: nonNegative(0.5),
    windowsLicencePerCoreHour: nonNegative(1000),
    patchCostPerKernel: nonNegative(10_000),
    imageRebuildCost: nonNegative(10_000),
    defaultBudgetShare: positive(0.01, 100),
    breachPenalty: partial({ public: nonNegative(100), confidential: nonNegative(100), regulated: nonNegative(100) }),
    auditPenalty: nonNegative(100),
    demandJitter: nonNegative(0.5),
    scoreWeights: partial({ availability: nonNegative(1000), cost: nonNegative(1000), security: nonNegative(1000) }),
    // Live migration, snapshots, volumes and backups.
    hypervisorRebootS: nonNegative(3600),
    liveMigrationMiBPerS: positive(1, 100_000),
    liveMigrationPauseS: nonNegative(10),
    snapshotsPerVm: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(32, atMost(32)),
    snapshotCostPerHour: nonNegative(1000),
    vmRestoreS: nonNegative(3600),
    volumeCostPerHour: nonNegative(1000),
    backupCostPerHour: nonNegative(1000),
    backupIntervalS: positive(1, 7200),
    volumeRestoreS: nonNegative(3600),
    dataLossPenalty: partial({ public: nonNegative(100), confidential: nonNegative(100), regulated: nonNegative(100) }),
    costZeroAtBudgets: z.number().min(1.1, { error: 'must be at least 1.1' }).max(100, atMost(100)),
    // Windows containers.
    windowsBuild: windowsBuildSchema,
    serverCoreImageMiB: positive(1, 65_536),
    hypervIsolation: partial({ memoryMiB: nonNegative(65_536), bootS: nonNegative(600) }),
  })
  .partial();

export const scenarioSchema = z
  .strictObject({
    schemaVersion: z.literal(1, { error: 'must be 1 (the only scenario format so far)' }),
    id,
    title: z.string().min(1, { error: 'must not be empty' }).max(80),
    summary: z.string().min(1, { error: 'must not be empty' }).max(400),
    version: z.union([z.string().max(20), nonNegative(1_000_000)]).default(1),
    durationS: z.number().int({ error: 'must be a whole number of seconds' }).min(30, { error: 'must be at least 30' }).max(7200, { error: 'must be at most 7200 (two hours)' }),
    debrief: z.string().min(1, { error: 'must not be empty' }).max(4000),
    budget: positive(0.01, 10_000_000).optional(),
    hosts: z.array(hostSchema).min(1, { error: 'needs at least one host' }).max(32, { error: 'at most 32 hosts' }),
    apps: z.array(appSchema).min(1, { error: 'needs at least one app' }).max(24, { error: 'at most 24 apps' }),
    events: z.array(scenarioEventSchema).max(200).default([]),
    allow: z
      .strictObject({
        runtimes: z.array(runtimeSchema).min(1, { error: 'must allow at least one runtime' }).default(['container', 'vm', 'microvm']),
        changePlatform: z.boolean().default(true),
      })
      .default({ runtimes: ['container', 'vm', 'microvm'], changePlatform: true }),
    physics: physicsOverridesSchema.default({}),
  });

/**
 * Checks across fields: unique ids and events that name real apps and hosts in time. It reads the
 * raw input defensively, so these problems are listed together with any field errors (a zod
 * refinement would be skipped as soon as one field failed).
 */
export function crossCheckScenario(input: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (!isRecord(input)) return problems;
  const ids = (key: 'hosts' | 'apps'): Set<string> => {
    const seen = new Set<string>();
    const list = Array.isArray(input[key]) ? input[key] : [];
    list.forEach((item: unknown, i: number) => {
      if (!isRecord(item) || typeof item.id !== 'string') return;
      if (seen.has(item.id)) problems.push({ path: [key, i, 'id'], message: `duplicate id "${item.id}"` });
      seen.add(item.id);
    });
    return seen;
  };
  const hostIds = ids('hosts');
  const appIds = ids('apps');
  const durationS = typeof input.durationS === 'number' ? input.durationS : Infinity;
  const events = Array.isArray(input.events) ? input.events : [];
  events.forEach((e: unknown, i: number) => {
    if (!isRecord(e)) return;
    if (typeof e.atS === 'number' && e.atS >= durationS) problems.push({ path: ['events', i, 'atS'], message: `must be before the end (durationS ${durationS})` });
    if (typeof e.appId === 'string' && Array.isArray(input.apps) && !appIds.has(e.appId)) problems.push({ path: ['events', i, 'appId'], message: `no app with id "${e.appId}"` });
    if (typeof e.hostId === 'string' && Array.isArray(input.hosts) && !hostIds.has(e.hostId)) problems.push({ path: ['events', i, 'hostId'], message: `no host with id "${e.hostId}"` });
  });
  const baseSizes = new Map<string, number>();
  (Array.isArray(input.apps) ? input.apps : []).forEach((a: unknown, i: number) => {
    if (!isRecord(a)) return;
    // A Windows build and the .NET Framework are facts of Windows apps (the default OS is Linux).
    const windows = a.os === 'windows';
    if (!windows && a.windowsBuild !== undefined) problems.push({ path: ['apps', i, 'windowsBuild'], message: 'is for Windows apps only (os "windows")' });
    if (!windows && a.dotnetFramework === true) problems.push({ path: ['apps', i, 'dotnetFramework'], message: 'is for Windows apps only (os "windows"): the .NET Framework runs on Windows' });
    if (a.dotnetFramework === true && a.baseImage !== undefined) {
      problems.push({ path: ['apps', i, 'baseImage'], message: 'must be left out for a .NET Framework app: its container image is built on Windows Server Core' });
    }
    if (!isRecord(a.baseImage) || typeof a.baseImage.miB !== 'number') return;
    const { id: baseId, miB } = a.baseImage;
    const imageMiB = typeof a.imageMiB === 'number' ? a.imageMiB : 100;
    if (miB > imageMiB) problems.push({ path: ['apps', i, 'baseImage', 'miB'], message: `must be at most the image's own size (imageMiB ${imageMiB})` });
    if (typeof baseId !== 'string') return;
    const known = baseSizes.get(baseId);
    if (known === undefined) baseSizes.set(baseId, miB);
    else if (known !== miB) problems.push({ path: ['apps', i, 'baseImage', 'miB'], message: `base image "${baseId}" is ${known} MiB in an earlier app` });
  });
  return problems;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A scenario as an author writes it (optional fields may be left out). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
export type Host = Scenario['hosts'][number];
export type App = Scenario['apps'][number];
export type ScenarioEvent = z.output<typeof scenarioEventSchema>;
export type Os = z.output<typeof osSchema>;
export type Platform = z.output<typeof platformSchema>;
export type Runtime = z.output<typeof runtimeSchema>;
export type Isolation = z.output<typeof isolationSchema>;
