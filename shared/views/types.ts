import type { Concept } from '../engine/concepts.ts';
import type { IncidentType, Os, Phase, Platform, Runtime, ScenarioEvent } from '../engine/types.ts';
import type { AnswerResult, CheckStage, ConceptGain, QuestionPrompt } from '../learning/types.ts';

export type Mode = 'solo' | 'teams';

/** What never changes in a room: sent once, on joining. */
export interface RoomStatic {
  readonly code: string;
  readonly mode: Mode;
  readonly scenario: {
    readonly id: string;
    readonly title: string;
    readonly summary: string;
    readonly debrief: string;
    readonly durationS: number;
    readonly budget: number;
    readonly allow: { readonly runtimes: readonly Runtime[]; readonly changePlatform: boolean };
    readonly hosts: readonly {
      id: string;
      name: string;
      cpu: number;
      memoryGiB: number;
      platform: Platform;
      kvm: boolean;
      costPerHour: number;
      /** The Windows build it runs as a Windows host, or gets when reinstalled as one. */
      windowsBuild?: number;
    }[];
    readonly apps: readonly {
      id: string;
      name: string;
      description?: string;
      os: Os;
      cpu: number;
      memoryMiB: number;
      imageMiB: number;
      replicas: number;
      demand: number;
      capacityPerReplica: number;
      trust: 'trusted' | 'untrusted';
      data: 'public' | 'confidential' | 'regulated';
      needsCustomKernel: boolean;
      /** It keeps data: a container of it loses that data when rebuilt, unless it is on a volume. */
      stateful: boolean;
      /** Windows apps: the build its container image is made for (absent: rebuilt for any). */
      windowsBuild?: number;
      /** Windows apps: built on the .NET Framework, so its container image starts from Windows Server Core. */
      dotnetFramework?: boolean;
      /** The customer it belongs to, where several are hosted. */
      tenant?: string;
    }[];
  };
  /** Memory figures the board needs to draw guest OSes and what fits. */
  readonly physics: {
    readonly guestOsMiB: Record<Os, number>;
    readonly hostReservedMiB: Record<Platform, number>;
    readonly containerOverheadMiB: number;
    readonly containerEngineMiB: number;
    readonly vmMinFreeMiB: number;
    /** How often a backed-up volume is copied, and how many snapshots a VM keeps. */
    readonly backupIntervalS: number;
    readonly snapshotsPerVm: number;
  };
}

export interface RoomHeader {
  readonly code: string;
  readonly phase: Phase;
  readonly timeS: number;
  readonly durationS: number;
  readonly speed: number;
  readonly locked: boolean;
  /** Real seconds left of the countdown after the teacher pressed start (the clock stands still meanwhile); 0 when there is none. */
  readonly countdown: number;
  /** Changes with every view: lets a client drop a stale one. */
  readonly seq: number;
}

export type InstanceStatus = 'pulling' | 'booting' | 'running' | 'overloaded' | 'down' | 'breached';

export interface HostView {
  readonly id: string;
  readonly platform: Platform;
  readonly kvm: boolean;
  readonly cpu: number;
  /** vCPUs assigned to its VMs and microVMs. They share the cores (overcommit), so this may exceed `cpu`. */
  readonly reservedCpu: number;
  /** Share of the hypervisor's vCPU allowance taken (vcpuOvercommit per core), 0..1: past 1 it refuses more VMs. */
  readonly vcpuCommitted: number;
  /** Cores handed out this second (all VMs, microVMs and containers on the host); never more than `cpu`. */
  readonly cpuUsed: number;
  /** Cores everything on it wants this second: above `cpu`, VMs lose CPU to steal and containers get their weighted share. */
  readonly cpuWanted: number;
  /** Share of the wanted CPU it could not hand out this second, in per cent. */
  readonly stealPct: number;
  /** Usable memory (after what the host OS or hypervisor keeps) and how much is taken. */
  readonly memoryMiB: number;
  readonly usedMiB: number;
  readonly down: boolean;
  readonly downUntilS: number;
  readonly powered: boolean;
}

export interface VmView {
  readonly id: string;
  readonly hostId: string;
  readonly guestOs: Os;
  readonly vcpu: number;
  readonly memoryMiB: number;
  /** The share of its memory the guest OS (and engine) takes before any app. */
  readonly guestOsMiB: number;
  readonly usedMiB: number;
  readonly containerEngine: boolean;
  readonly dedicatedTo: string | null;
  readonly status: 'booting' | 'running' | 'down';
  readonly upAtS: number;
  /** Host cores it asks for this second (what runs inside wants, plus overhead, at most its vCPUs) and gets. */
  readonly cpuWanted: number;
  readonly cpuGranted: number;
  /** Share of what it asked for that the host did not give it (steal time, as `st` in top shows it), in per cent. */
  readonly stealPct: number;
  /** Seconds its kept snapshots were taken, oldest first: a restore goes back to the last one. */
  readonly snapshots: readonly number[];
  /** A Windows guest's build: Windows containers in it need images of that build. */
  readonly windowsBuild?: number;
}

export interface InstanceView {
  readonly id: string;
  readonly appId: string;
  readonly runtime: Runtime;
  readonly hostId: string;
  readonly vmId: string | null;
  /** A Windows container with Hyper-V isolation, in a utility VM of its own; absent for process isolation. */
  readonly isolation?: 'hyperv';
  readonly status: InstanceStatus;
  readonly readyAtS: number;
  readonly upAtS: number;
  /** Share of its CPU need it gets this second, 0..1. */
  readonly perf: number;
  readonly cpuLimit: number | null;
  readonly breached: boolean;
  /** cgroup cpu.weight (containers; 100 by default): its share of a busy kernel's CPU. */
  readonly cpuWeight: number;
  /** cgroup memory.max in MiB (containers), or null for none. */
  readonly memoryLimitMiB: number | null;
  /** Times the OOM killer has ended it, while its memory limit is below what its app needs. */
  readonly oomKills: number;
  /** Cores of work it wants this second (a storm included, capped by its CPU limit) and gets. */
  readonly cpuWanted: number;
  readonly cpuGot: number;
  /** Steal time of the VM or microVM it runs in, in per cent; 0 on a host kernel. */
  readonly stealPct: number;
  /** Its data's volume (network storage), when it has one, and the second of its latest backup (null without backups). */
  readonly volume: { readonly backup: boolean; readonly lastBackupAtS: number | null } | null;
}

export interface ClusterView {
  readonly id: string;
  readonly name: string;
  /** VMs live-migrated so far (by the player or by patch days). */
  readonly migrations: number;
  readonly hosts: readonly HostView[];
  readonly vms: readonly VmView[];
  readonly instances: readonly InstanceView[];
}

export interface AppStatus {
  readonly appId: string;
  /** Share of demand served so far, 0..1, to the whole per cent a screen shows. */
  readonly availability: number;
}

export interface ScoreView {
  readonly total: number;
  readonly availability: number;
  readonly cost: number;
  readonly security: number;
  readonly spend: number;
  readonly budget: number;
  readonly apps: readonly AppStatus[];
}

export interface IncidentView {
  readonly seq: number;
  readonly atS: number;
  readonly type: IncidentType;
  readonly concept: Concept;
  readonly appIds: readonly string[];
  readonly message: string;
  /** Points it cost (≤ 0); 0 for notices. */
  readonly points: number;
}

export interface EventBanner {
  readonly seq: number;
  readonly atS: number;
  readonly source: 'scenario' | 'teacher';
  readonly type: ScenarioEvent['type'];
  readonly title: string;
  readonly detail: string;
  /** What it did to the class so far (projector and teacher views only): "12 of 28 clusters breached". */
  readonly impact?: { readonly affected: number; readonly of: number; readonly text: string };
}

export interface ActiveEffectView {
  readonly type: 'trafficSpike' | 'noisyNeighbour';
  readonly appId: string;
  readonly factor: number;
  readonly untilS: number;
}

export interface LeaderRow {
  readonly rank: number;
  readonly clusterId: string;
  readonly name: string;
  readonly total: number;
}

/** What a student (or team member) sees: its own cluster and the top of the class. */
export interface StudentView {
  readonly room: RoomHeader;
  readonly you: { readonly playerId: string; readonly nickname: string; readonly clusterId: string; readonly teamName: string | null };
  readonly cluster: ClusterView;
  readonly score: ScoreView;
  readonly rank: number;
  readonly of: number;
  readonly top: readonly LeaderRow[];
  readonly effects: readonly ActiveEffectView[];
  readonly banners: readonly EventBanner[];
  readonly incidents: readonly IncidentView[];
  /** Reference policies on the same scenario and seed, once the run is over (for the debrief). */
  /** After the run: the reference policies' scores; null while they are computed (or before the debrief), [] if they could not be. */
  readonly references: readonly { policy: string; total: number; availability: number; cost: number; security: number }[] | null;
  /** The concept check open to this student now (lobby: before; debrief: after); null when checks are off or during the run. */
  readonly check: StudentCheck | null;
}

/** A student's concept check: the stage's questions and their own answers so far, in the questions' order. */
export interface StudentCheck {
  readonly stage: CheckStage;
  readonly questions: readonly QuestionPrompt[];
  readonly results: readonly AnswerResult[];
}

/** How far the class is with one stage's check. */
export interface CheckProgress {
  /** Seated students who answered every question. */
  readonly answered: number;
  /** Seated students who answered at least one. */
  readonly started: number;
  /** Seated students. */
  readonly of: number;
}

/** The teacher's concept checks: progress at both stages and the class's results by concept. */
export interface TeacherChecks {
  readonly before: CheckProgress;
  readonly after: CheckProgress;
  readonly concepts: readonly ConceptGain[];
}

/** The projector's: the class's progress with the open check, and its results by concept at the debrief (never a name). */
export interface ProjectorChecks {
  /** The check open now: before in the lobby, after at the debrief, none during the run. */
  readonly stage: CheckStage | null;
  readonly answered: number;
  readonly of: number;
  /** At the debrief (and after): the class's before and after by concept; [] until then. */
  readonly concepts: readonly ConceptGain[];
}

export interface RosterEntry {
  readonly playerId: string;
  readonly nickname: string;
  readonly clusterId: string;
  readonly teamId: string | null;
  readonly status: 'online' | 'reconnecting' | 'offline';
}

export interface TeacherRow extends LeaderRow {
  readonly availability: number;
  readonly cost: number;
  readonly security: number;
  readonly members: readonly string[];
  readonly ready: boolean;
}

export interface TeacherView {
  readonly room: RoomHeader;
  readonly mode: Mode;
  readonly roster: readonly RosterEntry[];
  /** Team mode: the teams someone is on (empty ones are kept for newcomers, never listed). */
  readonly teams: readonly { readonly id: string; readonly name: string }[];
  /** The first rows of the standings (at most 50: a class of 2,000 is not read row by row); `ranked` counts them all. */
  readonly leaderboard: readonly TeacherRow[];
  readonly ranked: number;
  /** Clusters marked ready (the lobby's "who is ready", whatever the class's size). */
  readonly readyCount: number;
  /** How the class placed each app: instance counts per runtime. */
  readonly placements: readonly { readonly appId: string; readonly container: number; readonly vm: number; readonly microvm: number; readonly unplaced: number }[];
  /** The concepts behind the class's refusals and incidents, most frequent first. */
  readonly concepts: readonly { readonly concept: Concept; readonly rejections: number; readonly incidents: number }[];
  readonly effects: readonly ActiveEffectView[];
  readonly banners: readonly EventBanner[];
  readonly banned: number;
  /** Concept checks, when the room has them. */
  readonly checks: TeacherChecks | null;
}

export interface ProjectorView {
  readonly room: RoomHeader;
  readonly title: string;
  readonly mode: Mode;
  readonly players: number;
  /** Names of who has joined, newest last (capped for the screen). */
  readonly names: readonly string[];
  /** The first rows of the standings (at most 10); `others` counts the clusters below them. */
  readonly top: readonly LeaderRow[];
  readonly others: number;
  /** Team mode: every team with a member, ranked, with its member count; [] in solo mode. */
  readonly teams: readonly { readonly rank: number; readonly clusterId: string; readonly name: string; readonly total: number; readonly members: number }[];
  readonly banners: readonly EventBanner[];
  readonly effects: readonly ActiveEffectView[];
  /** At the debrief: the concept the class missed most (refusals + incidents), or null. */
  readonly mostMissed: { readonly concept: Concept; readonly count: number } | null;
  /** At the debrief: the reference policies' scores (null while computed or before the debrief). */
  readonly references: readonly { policy: string; total: number; availability: number; cost: number; security: number }[] | null;
  /** Concept checks, when the room has them: class figures only. */
  readonly checks: ProjectorChecks | null;
}

/**
 * The part of a student's view every student of a room shares and that must reach them together:
 * the header (phase, pace, lock, countdown) and the events. It goes out as one broadcast to the
 * room (`view:room`), encoded once whatever the class's size, whenever it changes.
 */
export type SharedStudentView = Pick<StudentView, 'room' | 'effects' | 'banners'>;

/**
 * The rest of a student's view (`view:student`): their own cluster, score, rank and incidents, and
 * the top of the class. Sent after their own action, else at most once a second; its `room` key,
 * when present, only moves the clock (applied to the shared part).
 */
export type OwnStudentView = Omit<StudentView, keyof SharedStudentView>;

export const SHARED_STUDENT_FIELDS = ['room', 'effects', 'banners'] as const satisfies readonly (keyof SharedStudentView)[];

/** A cluster as the teacher inspects it. */
export interface ClusterDetail {
  readonly cluster: ClusterView;
  readonly score: ScoreView;
  readonly incidents: readonly IncidentView[];
}
