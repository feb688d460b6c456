import type { Concept } from './concepts.ts';
import type { RejectionCode } from './rejection.ts';
import type { Physics } from './physics.ts';
import type { App, Host, Isolation, Os, Platform, Runtime, Scenario, ScenarioEvent } from '../scenario/schema.ts';

export type { App, Host, Isolation, Os, Platform, Runtime, Scenario, ScenarioEvent };

export const PHASES = ['lobby', 'running', 'paused', 'debrief', 'ended'] as const;
export type Phase = (typeof PHASES)[number];

/** A host in one cluster: the scenario's machine plus what this player did with it. */
export interface HostState {
  readonly id: string;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly kvm: boolean;
  readonly costPerHour: number;
  readonly platform: Platform;
  /** The host serves nothing before this second (reboot or repair). */
  readonly downUntilS: number;
}

export interface VmState {
  readonly id: string;
  readonly hostId: string;
  readonly guestOs: Os;
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly containerEngine: boolean;
  /** Set when the VM was created by `deploy {runtime: 'vm'}` for one app instance. */
  readonly dedicatedTo: string | null;
  readonly createdAtS: number;
  /** The guest OS is up (after boot, or after a patch reboot) from this second. */
  readonly upAtS: number;
  /** A Windows guest's build (Windows containers in it need images of that build); absent for Linux guests. */
  readonly windowsBuild?: number;
}

export interface InstanceState {
  readonly id: string;
  readonly appId: string;
  readonly runtime: Runtime;
  readonly hostId: string;
  readonly vmId: string | null;
  readonly createdAtS: number;
  /** When the image is on the engine (equal to createdAtS when it was already there). */
  readonly pulledAtS: number;
  /** When it first served: fixed at deploy. */
  readonly readyAtS: number;
  /** It serves from this second (moves later on a patch reboot). */
  readonly upAtS: number;
  /** A cgroup CPU limit in cores (containers only); null means unlimited. */
  readonly cpuLimit: number | null;
  /** cgroup v2 `cpu.weight` (containers only), 1–10000; absent means the kernel's default, 100. */
  readonly cpuWeight?: number;
  /** cgroup `memory.max` in MiB (containers only); absent or null means unlimited. */
  readonly memoryLimitMiB?: number | null;
  /** Since when the OOM killer has been ending it (its memory limit is below what its app needs); absent when not. */
  readonly oomSinceS?: number;
  /** A Windows container run with Hyper-V isolation, in a utility VM with a kernel of its own; absent for process isolation. */
  readonly isolation?: 'hyperv';
  readonly breached: boolean;
}

export interface RetiredInstance {
  readonly id: string;
  readonly appId: string;
  readonly runtime: Runtime;
  readonly hostId: string;
  readonly vmId: string | null;
  readonly readyAtS: number;
  readonly removedAtS: number;
  readonly reason: 'removed' | 'hostFailure';
  readonly isolation?: 'hyperv';
}

/** What happened to a cluster: a scenario event's effect, or a notice about the player's own choice. */
export type IncidentType = ScenarioEvent['type'] | 'imagePull' | 'overBudget' | 'oomKill' | 'vmRestore' | 'hypervIsolation';

export interface Incident {
  readonly seq: number;
  readonly atS: number;
  readonly type: IncidentType;
  readonly concept: Concept;
  readonly appIds: readonly string[];
  readonly instanceIds: readonly string[];
  readonly message: string;
  /** Security points (out of 100) this incident cost. */
  readonly securityPenalty: number;
  /** Spend this incident caused (patch labour), in the scenario's cost unit. */
  readonly cost: number;
}

export interface ScoreTally {
  /** Seconds simulated for this cluster. */
  readonly ticks: number;
  /** Per app (scenario order): the sum over ticks of served / demand. */
  readonly served: readonly number[];
  readonly spend: { readonly hosts: number; readonly licences: number; readonly patching: number };
  readonly securityPenalty: number;
  /** Per app (scenario order): served work undone because the data it made was lost (at most `served`). */
  readonly undone: readonly number[];
  /** Storage spend booked for snapshots and volumes that are gone; kept ones are billed up to now by score.ts. */
  readonly storage: number;
  /**
   * CPU steal over the run, in core-seconds: what this cluster's VMs and microVMs asked their hosts
   * for, and how much of it the hosts could not give (overcommitted hosts under load). Absent in
   * states from before it was counted.
   */
  readonly stealAskedCoreS?: number;
  readonly stealLostCoreS?: number;
}

/** A point-in-time image of a whole VM (OS, binaries, data), kept on its host's storage with the VM's disk. */
export interface Snapshot {
  readonly vmId: string;
  /** The VM it belongs to is this id created at this second (an id may be used again after a delete). */
  readonly vmCreatedAtS: number;
  readonly hostId: string;
  readonly atS: number;
}

/** An instance's data on a volume (network storage) instead of its container's writable layer. */
export interface Volume {
  readonly instanceId: string;
  readonly backup: boolean;
  /** Backups run every backupIntervalS from this second on (the first copy then). */
  readonly backupSinceS: number;
  /** Storage is billed from this second at the current rate; earlier spend is booked. */
  readonly billedFromS: number;
}

/** How an app's data came back: the latest backup, a VM snapshot, not at all, or (nothing to keep) a redeploy. */
export type DataRecovery = 'backup' | 'snapshot' | 'none' | 'redeploy';

/** Data an app lost in one occurrence, for the report. */
export interface DataLoss {
  /** The incident that tells the story. */
  readonly seq: number;
  readonly atS: number;
  readonly appId: string;
  readonly cause: 'dataLoss' | 'hostFailure' | 'vmRestore';
  /** The worst recovery among its instances. */
  readonly recovery: DataRecovery;
  /** Seconds of its data lost (the most of any instance); data lost for good counts from the instance's start. */
  readonly lostS: number;
  /** Served work undone, in the tally's units (see ScoreTally.undone). */
  readonly undone: number;
}

/** How often VMs and containers moved and snapshots were used, for the report. */
export interface ActivityCounts {
  /** Live migrations of VMs, by the player or by a patch day. */
  readonly migrations: number;
  readonly patchDayMigrations: number;
  /** Containers and microVMs recreated on another host to drain one for a patch reboot. */
  readonly containersMoved: number;
  readonly snapshotsTaken: number;
  readonly snapshotsRestored: number;
  /** Snapshots gone with their host's storage when it failed. */
  readonly snapshotsLost: number;
}

export interface ClusterState {
  readonly id: string;
  readonly name: string;
  readonly kicked: boolean;
  readonly ready: boolean;
  readonly hosts: readonly HostState[];
  readonly vms: readonly VmState[];
  readonly instances: readonly InstanceState[];
  readonly retired: readonly RetiredInstance[];
  /** Per engine (`host:ID` or `vm:ID`), the second each app's image (by app id) and each base image (`base:ID`) finished arriving. */
  readonly images: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly nextSeq: number;
  readonly tally: ScoreTally;
  readonly incidents: readonly Incident[];
  /** Hosts still waiting for their turn in a rolling patch window. */
  readonly patchQueue: readonly PatchTurn[];
  readonly snapshots: readonly Snapshot[];
  readonly volumes: readonly Volume[];
  readonly dataLosses: readonly DataLoss[];
  readonly counts: ActivityCounts;
}

export interface PatchTurn {
  readonly atS: number;
  readonly os: Os;
  readonly hostId: string;
}

/** A time-limited effect of a room-wide event. */
export interface ActiveEffect {
  readonly type: 'trafficSpike' | 'noisyNeighbour';
  readonly appId: string;
  readonly factor: number;
  readonly untilS: number;
}

export interface FiredEvent {
  readonly seq: number;
  readonly atS: number;
  readonly source: 'scenario' | 'teacher';
  readonly event: ScenarioEvent;
}

export interface SimState {
  readonly scenario: Scenario;
  readonly physics: Physics;
  readonly seed: number;
  readonly rng: number;
  readonly phase: Phase;
  readonly speed: number;
  readonly locked: boolean;
  /** Simulated seconds elapsed; one tick is one second. */
  readonly timeS: number;
  /** Index of the next scenario event to fire (scenario events are sorted by atS). */
  readonly nextEvent: number;
  readonly injected: readonly ScenarioEvent[];
  readonly effects: readonly ActiveEffect[];
  readonly fired: readonly FiredEvent[];
  /** Requests per second each app (scenario order) faces this second. */
  readonly demand: readonly number[];
  readonly budget: number;
  readonly clusters: Readonly<Record<string, ClusterState>>;
  /** Cluster ids in the order they joined (object keys that look like numbers would reorder). */
  readonly clusterOrder: readonly string[];
}

// ---- actions ---------------------------------------------------------------------------------

/** Omit over each member of a union (plain Omit would collapse it to the shared keys). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type PlayerAction =
  | { type: 'configureHost'; clusterId: string; hostId: string; platform: Platform }
  /** `windowsBuild`: a Windows guest's build (physics.windowsBuild when left out). */
  | { type: 'createVm'; clusterId: string; id?: string; hostId: string; guestOs: Os; vcpu: number; memoryMiB: number; containerEngine?: boolean; windowsBuild?: number }
  | { type: 'deleteVm'; clusterId: string; vmId: string }
  /**
   * `isolation`, for a Windows container: `process` (the host's kernel; the image must be of its build)
   * or `hyperv` (a utility VM of its own). Left out: process isolation where the builds match, else
   * Hyper-V isolation where the host can give it.
   */
  | { type: 'deploy'; clusterId: string; id?: string; appId: string; runtime: Runtime; target: string; isolation?: Isolation }
  | { type: 'remove'; clusterId: string; instanceId: string }
  /** cgroup settings of a container; an omitted field stays as it is, null removes a limit. */
  | { type: 'setLimits'; clusterId: string; instanceId: string; cpu?: number | null; weight?: number; memoryMiB?: number | null }
  | { type: 'ready'; clusterId: string; ready?: boolean }
  /** Live-migrates a running VM, and everything in it, to another bare-metal hypervisor host. `vmId` may name a VM-runtime instance. */
  | { type: 'migrateVm'; clusterId: string; vmId: string; hostId: string }
  /** A point-in-time image of the whole VM. */
  | { type: 'snapshotVm'; clusterId: string; vmId: string }
  /** Rolls the VM back to its latest snapshot. */
  | { type: 'restoreVm'; clusterId: string; vmId: string }
  /** Puts a container's (or microVM's) data on a volume, backed up periodically with `backup`. */
  | { type: 'attachVolume'; clusterId: string; instanceId: string; backup: boolean };

export type TeacherAction =
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'setSpeed'; speed: number }
  | { type: 'injectEvent'; event: DistributiveOmit<ScenarioEvent, 'atS'> }
  | { type: 'nextPhase' }
  | { type: 'kick'; clusterId: string }
  | { type: 'lock'; locked?: boolean }
  | { type: 'end' };

export type SystemAction =
  | { type: 'addCluster'; clusterId: string; name?: string }
  /** An unused cluster taken out of the lobby again (a seat freed). */
  | { type: 'removeCluster'; clusterId: string }
  | { type: 'tick' };

export type Action = PlayerAction | TeacherAction | SystemAction;

export const PLAYER_ACTION_TYPES = ['configureHost', 'createVm', 'deleteVm', 'deploy', 'remove', 'setLimits', 'ready', 'migrateVm', 'snapshotVm', 'restoreVm', 'attachVolume'] as const;
export const TEACHER_ACTION_TYPES = ['start', 'pause', 'resume', 'setSpeed', 'injectEvent', 'nextPhase', 'kick', 'lock', 'end'] as const;

export interface Rejection {
  readonly code: RejectionCode;
  /** The idea the refusal teaches; null when it is about the game, not the cluster (wrong phase, unknown id). */
  readonly concept: Concept | null;
  readonly message: string;
}

/** What an accepted action made, so a caller can name it without comparing states. */
export interface Created {
  readonly kind: 'instance' | 'vm';
  readonly id: string;
}

export interface StepResult {
  readonly state: SimState;
  readonly rejection: Rejection | null;
  /** The instance a `deploy` made (its dedicated VM, if any, goes with it) or the VM a `createVm` made; null otherwise and on a refusal. */
  readonly created: Created | null;
}
