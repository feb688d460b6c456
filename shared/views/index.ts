/**
 * Views: pure functions from the simulation (and the room's roster) to what each recipient is
 * sent. The transport sends what these return; nothing here knows about sockets.
 */
import type { Concept } from '../engine/concepts.ts';
import type { ClusterState, SimState } from '../engine/types.ts';
import type { Score } from '../engine/score.ts';
import { computeScore } from '../engine/score.ts';
import { clusterOf } from '../engine/state.ts';
import { isSetback } from '../engine/incidents.ts';
import { capacityPerReplica, clusterLoad, cpuWeightOf, findApp, hostUsage, isOomKilled, oomKills, vmBootS, vmUsage, type ClusterLoad } from '../engine/topology.ts';
import { isSnapshotOf, lastBackupAtS, volumeOf } from '../engine/data.ts';
import { describeEvent } from './events.ts';
import { eventImpact, type SpikeHits } from './impact.ts';
import type {
  ActiveEffectView,
  ClusterDetail,
  ClusterView,
  EventBanner,
  IncidentView,
  InstanceStatus,
  InstanceView,
  LeaderRow,
  Mode,
  OwnStudentView,
  ProjectorChecks,
  ProjectorView,
  RoomHeader,
  RoomStatic,
  RosterEntry,
  ScoreView,
  SharedStudentView,
  StudentCheck,
  StudentView,
  TeacherChecks,
  TeacherView,
} from './types.ts';

export * from './types.ts';
export { describeEvent } from './events.ts';
export { applyDelta, applyView, diff, isWhole, whole, type Delta, type ViewDelta } from './patch.ts';
export { StudentMirror } from './mirror.ts';
export { eventImpact, SpikeWatch, type SpikeHits } from './impact.ts';


const TOP = 5;
const BANNERS = 4;
const INCIDENTS = 8;
const PROJECTOR_NAMES = 120;
/** Rows of the projector's standings: the rest of the class is a count, so any class fits the screen. */
const PROJECTOR_TOP = 10;
const PROJECTOR_BANNERS = 3;
/** Rows of the teacher's leaderboard: the top of a keynote's 2,000, not all of them every second. */
const TEACHER_TOP = 50;

export function roomStatic(code: string, mode: Mode, state: SimState): RoomStatic {
  const { scenario, physics } = state;
  return {
    code,
    mode,
    scenario: {
      id: scenario.id,
      title: scenario.title,
      summary: scenario.summary,
      debrief: scenario.debrief,
      durationS: scenario.durationS,
      budget: state.budget,
      allow: { runtimes: [...scenario.allow.runtimes], changePlatform: scenario.allow.changePlatform },
      hosts: scenario.hosts.map((h) => ({
        id: h.id,
        name: h.name || h.id,
        cpu: h.cpu,
        memoryGiB: h.memoryGiB,
        platform: h.platform,
        kvm: h.kvm,
        costPerHour: h.costPerHour,
        windowsBuild: h.windowsBuild ?? physics.windowsBuild,
      })),
      apps: scenario.apps.map((a) => ({
        id: a.id,
        name: a.name,
        ...(a.description ? { description: a.description } : {}),
        os: a.os,
        cpu: a.cpu,
        memoryMiB: a.memoryMiB,
        imageMiB: a.imageMiB,
        replicas: a.replicas,
        demand: a.demand,
        capacityPerReplica: capacityPerReplica(a),
        trust: a.trust,
        data: a.data,
        needsCustomKernel: a.needsCustomKernel,
        stateful: a.stateful,
        ...(a.windowsBuild !== undefined ? { windowsBuild: a.windowsBuild } : {}),
        ...(a.dotnetFramework ? { dotnetFramework: true } : {}),
        ...(a.tenant !== undefined ? { tenant: a.tenant } : {}),
      })),
    },
    physics: {
      guestOsMiB: { ...physics.guestOsMiB },
      hostReservedMiB: { ...physics.hostReservedMiB },
      containerOverheadMiB: physics.containerOverheadMiB,
      containerEngineMiB: physics.containerEngineMiB,
      vmMinFreeMiB: physics.vmMinFreeMiB,
      backupIntervalS: physics.backupIntervalS,
      snapshotsPerVm: physics.snapshotsPerVm,
    },
  };
}

export function roomHeader(state: SimState, code: string, seq: number, countdown = 0): RoomHeader {
  return { code, phase: state.phase, timeS: state.timeS, durationS: state.scenario.durationS, speed: state.speed, locked: state.locked, countdown, seq };
}

/** Every cluster's score, computed once per broadcast, and the ranking built on it. */
export interface Standings {
  readonly scores: ReadonlyMap<string, Score>;
  readonly rows: readonly LeaderRow[];
  readonly rankOf: ReadonlyMap<string, number>;
}

export function standings(state: SimState, include: (clusterId: string) => boolean = () => true): Standings {
  const scores = new Map<string, Score>();
  const live: ClusterState[] = [];
  for (const id of state.clusterOrder) {
    const c = clusterOf(state, id)!;
    if (c.kicked || !include(id)) continue;
    scores.set(id, computeScore(state, c));
    live.push(c);
  }
  // Ties keep join order, so the board does not shuffle between equal scores.
  const sorted = live.map((c, i) => [c, i] as const).sort((a, b) => scores.get(b[0].id)!.total - scores.get(a[0].id)!.total || a[1] - b[1]);
  const rows: LeaderRow[] = [];
  const rankOf = new Map<string, number>();
  let rank = 0;
  let last = Number.NaN;
  sorted.forEach(([c], i) => {
    const total = round1(scores.get(c.id)!.total);
    if (total !== last) rank = i + 1;
    last = total;
    rows.push({ rank, clusterId: c.id, name: c.name, total });
    rankOf.set(c.id, rank);
  });
  return { scores, rows, rankOf };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function volumeView(state: SimState, cluster: ClusterState, instanceId: string): InstanceView['volume'] {
  const v = volumeOf(cluster, instanceId);
  return v ? { backup: v.backup, lastBackupAtS: v.backup ? lastBackupAtS(state.physics, v, state.timeS) : null } : null;
}
const round2 = (x: number): number => Math.round(x * 100) / 100;

export function clusterView(state: SimState, cluster: ClusterState, load: ClusterLoad = clusterLoad(state, cluster, state.timeS)): ClusterView {
  const t = state.timeS;
  const { scenario, physics } = state;
  const overloaded = new Set<string>();
  scenario.apps.forEach((app, i) => {
    if (state.demand[i]! > load.capacity[i]! + 1e-9) overloaded.add(app.id);
  });
  const instances = cluster.instances.map((inst, i) => {
    const app = findApp(scenario, inst.appId)!;
    const perf = load.perf[i]!;
    const host = cluster.hosts.find((h) => h.id === inst.hostId);
    let status: InstanceStatus;
    if (inst.breached) status = 'breached';
    else if ((host && host.downUntilS > t) || (inst.upAtS > t && inst.readyAtS <= t) || (inst.upAtS <= t && isOomKilled(app, inst))) status = 'down';
    else if (inst.pulledAtS > t) status = 'pulling';
    else if (inst.upAtS > t) status = 'booting';
    else if (perf < 0.9 || overloaded.has(inst.appId)) status = 'overloaded';
    else status = 'running';
    return {
      id: inst.id,
      appId: inst.appId,
      runtime: inst.runtime,
      hostId: inst.hostId,
      vmId: inst.vmId,
      ...(inst.isolation ? { isolation: inst.isolation } : {}),
      status,
      readyAtS: inst.readyAtS,
      upAtS: inst.upAtS,
      perf: Math.round(perf * 1000) / 1000,
      cpuLimit: inst.cpuLimit,
      breached: inst.breached,
      cpuWeight: cpuWeightOf(inst),
      memoryLimitMiB: inst.memoryLimitMiB ?? null,
      oomKills: oomKills(inst, t),
      cpuWanted: round2(load.want[i]!),
      cpuGot: round2(load.got[i]!),
      stealPct: round1(100 * load.steal[i]!),
      volume: volumeView(state, cluster, inst.id),
    };
  });
  const powered = new Set([...cluster.vms.map((v) => v.hostId), ...cluster.instances.map((i) => i.hostId)]);
  return {
    id: cluster.id,
    name: cluster.name,
    migrations: cluster.counts.migrations,
    hosts: cluster.hosts.map((h, hi) => {
      const u = hostUsage(scenario, physics, cluster, h);
      const wanted = load.hostWant[hi]!;
      const given = load.hostGot[hi]!;
      return {
        id: h.id,
        platform: h.platform,
        kvm: h.kvm,
        cpu: h.cpu,
        reservedCpu: u.reservedCpu,
        vcpuCommitted: round2(u.committedCpu / h.cpu),
        cpuUsed: round2(given),
        cpuWanted: round2(wanted),
        stealPct: round1(wanted > 0 ? (100 * (wanted - given)) / wanted : 0),
        memoryMiB: u.memoryMiB,
        usedMiB: u.usedMiB,
        down: h.downUntilS > t,
        downUntilS: h.downUntilS,
        powered: powered.has(h.id),
      };
    }),
    vms: cluster.vms.map((vm, vi) => {
      const u = vmUsage(scenario, physics, cluster, vm);
      const host = cluster.hosts.find((h) => h.id === vm.hostId)!;
      // A guest that had finished its first boot and is not up now is rebooting: down, not booting.
      const firstUp = vm.createdAtS + vmBootS(physics, vm.guestOs, host);
      const status = host.downUntilS > t || (vm.upAtS > t && firstUp <= t) ? 'down' : vm.upAtS > t ? 'booting' : 'running';
      return {
        id: vm.id,
        hostId: vm.hostId,
        guestOs: vm.guestOs,
        vcpu: vm.vcpu,
        memoryMiB: vm.memoryMiB,
        guestOsMiB: u.guestOsMiB,
        usedMiB: u.usedMiB,
        containerEngine: vm.containerEngine,
        dedicatedTo: vm.dedicatedTo,
        status,
        upAtS: vm.upAtS,
        cpuWanted: round2(load.vmWant[vi]!),
        cpuGranted: round2(load.vmGot[vi]!),
        stealPct: round1(load.vmWant[vi]! > 0 ? (100 * (load.vmWant[vi]! - load.vmGot[vi]!)) / load.vmWant[vi]! : 0),
        snapshots: cluster.snapshots.filter((s) => isSnapshotOf(s, vm)).map((s) => s.atS),
        ...(vm.windowsBuild !== undefined ? { windowsBuild: vm.windowsBuild } : {}),
      };
    }),
    instances,
  };
}

export function scoreView(state: SimState, cluster: ClusterState, score = computeScore(state, cluster)): ScoreView {
  return {
    total: round1(score.total),
    availability: round1(score.availability),
    cost: round1(score.cost),
    security: round1(score.security),
    spend: Math.round(score.spend * 100) / 100,
    budget: Math.round(score.budget * 100) / 100,
    // What a board shows of each app: the share served, as a whole per cent. (Its demand and
    // capacity move with every second's traffic and are shown nowhere: sending them would make
    // every student's update carry them.)
    apps: score.apps.map((a) => ({ appId: a.appId, availability: round2(a.availability) })),
  };
}

export function incidentViews(state: SimState, cluster: ClusterState, score: Score, limit = INCIDENTS): IncidentView[] {
  const points = new Map(score.incidents.map((i) => [i.seq, i.points]));
  return cluster.incidents.slice(-limit).map((inc) => ({
    seq: inc.seq,
    atS: inc.atS,
    type: inc.type,
    concept: inc.concept,
    appIds: inc.appIds,
    message: inc.message,
    points: round1(points.get(inc.seq) ?? 0),
  }));
}

export function banners(state: SimState, limit = BANNERS): EventBanner[] {
  return state.fired.slice(-limit).map((f) => ({ seq: f.seq, atS: f.atS, source: f.source, type: f.event.type, ...describeEvent(state.scenario, f.event) }));
}

/**
 * The banners with what each event did to the class so far (teacher and projector only: a
 * student's view stays the same size whatever the class). `standings` says who is on the board.
 */
export function bannersWithImpact(state: SimState, standings: Standings, spikes?: SpikeHits, limit = BANNERS): EventBanner[] {
  const ids = standings.rows.map((r) => r.clusterId);
  const first = Math.max(0, state.fired.length - limit);
  return banners(state, limit).map((b, k) => {
    const impact = eventImpact(state, first + k, ids, spikes);
    return impact ? { ...b, impact } : b;
  });
}

export const effects = (state: SimState): ActiveEffectView[] => state.effects.map((e) => ({ type: e.type, appId: e.appId, factor: e.factor, untilS: e.untilS }));

export interface StudentContext {
  readonly code: string;
  readonly seq: number;
  readonly standings: Standings;
  readonly you: StudentView['you'];
  readonly references: StudentView['references'];
  /** Real seconds left of the start countdown (0: none). */
  readonly countdown?: number;
  /** The student's open concept check (null: none). */
  readonly check?: StudentCheck | null;
}

export function studentView(state: SimState, ctx: StudentContext): StudentView {
  const cluster = clusterOf(state, ctx.you.clusterId);
  // The room sends student views only for clusters it holds; anything else is a bug to see.
  if (!cluster) throw new Error(`no cluster ${ctx.you.clusterId} for a student view`);
  const score = ctx.standings.scores.get(cluster.id) ?? computeScore(state, cluster);
  const rank = ctx.standings.rankOf.get(cluster.id) ?? ctx.standings.rows.length + 1;
  return { ...sharedStudentView(state, ctx.code, ctx.seq, ctx.countdown), ...classTop(ctx.standings), ...ownStudentView(state, cluster, score, ctx.you, rank, ctx.references, ctx.check ?? null) };
}

/** The part of a student view every student of the room shares (see SharedStudentView). */
export function sharedStudentView(state: SimState, code: string, seq: number, countdown = 0): SharedStudentView {
  return { room: roomHeader(state, code, seq, countdown), effects: effects(state), banners: banners(state) };
}

/** The top of the class as every student sees it: how many are ranked and the first five. */
export function classTop(board: Standings): Pick<StudentView, 'of' | 'top'> {
  return { of: board.rows.length, top: board.rows.slice(0, TOP) };
}

/** A student's own part of the view: their cluster, score, rank and incidents (see OwnStudentView, which adds the class's top). */
export function ownStudentView(state: SimState, cluster: ClusterState, score: Score, you: StudentView['you'], rank: number, references: StudentView['references'], check: StudentCheck | null = null): Omit<OwnStudentView, 'of' | 'top'> {
  // One CPU-sharing pass serves both the board and the score: this runs per student per round.
  const load = clusterLoad(state, cluster, state.timeS);
  return {
    you,
    cluster: clusterView(state, cluster, load),
    score: scoreView(state, cluster, score),
    rank,
    incidents: incidentViews(state, cluster, score),
    references: state.phase === 'debrief' || state.phase === 'ended' ? references : null,
    check,
  };
}

export interface TeacherContext {
  readonly code: string;
  readonly seq: number;
  readonly mode: Mode;
  readonly standings: Standings;
  readonly roster: readonly RosterEntry[];
  readonly teams: TeacherView['teams'];
  /** Refusals the class has met, by concept (the state keeps no refusals: they changed nothing). */
  readonly rejections: Readonly<Partial<Record<Concept, number>>>;
  readonly banned: number;
  readonly countdown?: number;
  /** The banners with their impact (bannersWithImpact), computed once per round for every screen that shows them. */
  readonly banners?: readonly EventBanner[];
  /** Concept checks (the room computes them once a round): null when the room has none. */
  readonly checks?: TeacherChecks | null;
}

/**
 * The concepts behind the class's refusals and incidents, most frequent first: the teacher's
 * "what the class gets wrong", and the projector's most-missed concept at the debrief.
 */
export function classConcepts(state: SimState, rows: readonly LeaderRow[], rejections: Readonly<Partial<Record<Concept, number>>>): TeacherView['concepts'] {
  const incidentsBy = new Map<Concept, number>();
  for (const { clusterId } of rows) {
    for (const inc of clusterOf(state, clusterId)!.incidents) if (isSetback(inc)) incidentsBy.set(inc.concept, (incidentsBy.get(inc.concept) ?? 0) + 1);
  }
  const concepts = new Set<Concept>([...incidentsBy.keys(), ...(Object.keys(rejections) as Concept[])]);
  return [...concepts]
    .map((concept) => ({ concept, rejections: rejections[concept] ?? 0, incidents: incidentsBy.get(concept) ?? 0 }))
    .sort((a, b) => b.rejections + b.incidents - (a.rejections + a.incidents) || a.concept.localeCompare(b.concept));
}

export function teacherView(state: SimState, ctx: TeacherContext): TeacherView {
  const { scenario } = state;
  const members = new Map<string, string[]>();
  for (const p of ctx.roster) members.set(p.clusterId, [...(members.get(p.clusterId) ?? []), p.nickname]);
  const leaderboard = ctx.standings.rows.slice(0, TEACHER_TOP).map((row) => {
    const s = ctx.standings.scores.get(row.clusterId)!;
    const c = clusterOf(state, row.clusterId)!;
    return { ...row, availability: round1(s.availability), cost: round1(s.cost), security: round1(s.security), members: members.get(row.clusterId) ?? [], ready: c.ready };
  });
  const placements = scenario.apps.map((app) => ({ appId: app.id, container: 0, vm: 0, microvm: 0, unplaced: 0 }));
  const index = new Map(scenario.apps.map((a, i) => [a.id, i]));
  for (const { clusterId } of ctx.standings.rows) {
    const c = clusterOf(state, clusterId)!;
    const placed = new Set<string>();
    for (const inst of c.instances) {
      placements[index.get(inst.appId)!]![inst.runtime]++;
      placed.add(inst.appId);
    }
    for (const app of scenario.apps) if (!placed.has(app.id)) placements[index.get(app.id)!]!.unplaced++;
  }
  return {
    room: roomHeader(state, ctx.code, ctx.seq, ctx.countdown),
    mode: ctx.mode,
    roster: ctx.roster,
    // Every team, empty ones too: the teacher moves students into them. Standings, the projector
    // and the replay list only teams with members.
    teams: ctx.teams.map((t) => ({ id: t.id, name: t.name })),
    leaderboard,
    ranked: ctx.standings.rows.length,
    readyCount: ctx.standings.rows.reduce((n, r) => n + (clusterOf(state, r.clusterId)!.ready ? 1 : 0), 0),
    placements,
    concepts: classConcepts(state, ctx.standings.rows, ctx.rejections),
    effects: effects(state),
    banners: ctx.banners ? [...ctx.banners] : banners(state),
    banned: ctx.banned,
    checks: ctx.checks ?? null,
  };
}

export interface ProjectorContext {
  readonly code: string;
  readonly seq: number;
  /** Solo unless said. */
  readonly mode?: Mode;
  readonly standings: Standings;
  readonly names: readonly string[];
  readonly countdown?: number;
  /** Team mode: players per team cluster. */
  readonly members?: ReadonlyMap<string, number>;
  /** The class's refusals by concept, for the most-missed concept at the debrief. */
  readonly rejections?: Readonly<Partial<Record<Concept, number>>>;
  readonly references?: ProjectorView['references'];
  /** The banners with their impact (bannersWithImpact); the last few are shown. */
  readonly banners?: readonly EventBanner[];
  /** Concept checks, class figures only: null when the room has none. */
  readonly checks?: ProjectorChecks | null;
}

export function projectorView(state: SimState, ctx: ProjectorContext): ProjectorView {
  const over = state.phase === 'debrief' || state.phase === 'ended';
  const rows = ctx.standings.rows;
  const missed = over ? classConcepts(state, rows, ctx.rejections ?? {})[0] : undefined;
  return {
    room: roomHeader(state, ctx.code, ctx.seq, ctx.countdown),
    title: state.scenario.title,
    mode: ctx.mode ?? 'solo',
    players: ctx.names.length,
    names: ctx.names.slice(-PROJECTOR_NAMES),
    top: rows.slice(0, PROJECTOR_TOP),
    others: Math.max(0, rows.length - PROJECTOR_TOP),
    // The standings hold only teams someone is on (the room filters them): every one is listed.
    teams: ctx.mode === 'teams' ? rows.map((r) => ({ rank: r.rank, clusterId: r.clusterId, name: r.name, total: r.total, members: ctx.members?.get(r.clusterId) ?? 0 })) : [],
    banners: ctx.banners ? ctx.banners.slice(-PROJECTOR_BANNERS) : banners(state, PROJECTOR_BANNERS),
    effects: effects(state),
    mostMissed: missed ? { concept: missed.concept, count: missed.rejections + missed.incidents } : null,
    references: over ? (ctx.references ?? null) : null,
    checks: ctx.checks ?? null,
  };
}

export function clusterDetail(state: SimState, clusterId: string): ClusterDetail | null {
  const cluster = clusterOf(state, clusterId);
  if (!cluster) return null;
  const score = computeScore(state, cluster);
  const load = clusterLoad(state, cluster, state.timeS);
  return { cluster: clusterView(state, cluster, load), score: scoreView(state, cluster, score), incidents: incidentViews(state, cluster, score, 50) };
}
