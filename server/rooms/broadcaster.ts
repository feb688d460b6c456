import type { ClusterState, SimState } from '../../shared/engine/types.ts';
import { computeScore } from '../../shared/engine/score.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import type { ClusterDetail, EventBanner, Mode, OwnStudentView, ProjectorView, RoomHeader, SharedStudentView, SpikeHits, Standings, StudentCheck, StudentView, TeacherView } from '../../shared/views/index.ts';
import { bannersWithImpact, classTop, clusterDetail, diff, ownStudentView, projectorView, roomHeader, sharedStudentView, standings, teacherView, whole } from '../../shared/views/index.ts';
import type { ServerToClientEvents } from '../../shared/protocol/index.ts';
import type { Roster } from './roster.ts';
import type { RoomChecks } from './checks.ts';

/** The view events whose messages are deltas (docs/PROTOCOL.md): the ones a generation is stamped on. */
const VIEW_DELTAS: ReadonlySet<string> = new Set(['view:room', 'view:student', 'view:teacher', 'view:projector']);

/**
 * A transport that stamps every view message with the room's generation (`'@'`: the epoch of the
 * lease its owner holds, docs/SCALING.md). A client keeps the highest generation it has seen and
 * drops a message from a lower one: an owner that lost the room (a pause, a partition) may still
 * have had views on their way, and applying those to the new owner's would leave a client with a
 * view no later delta corrects.
 */
export function stampedTransport(transport: RoomTransport, generation: number): RoomTransport {
  const stamp = (event: string, args: unknown[]): unknown[] => {
    const [payload, ...rest] = args;
    if (!VIEW_DELTAS.has(event) || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return args;
    return [{ ...payload, '@': generation }, ...rest];
  };
  return {
    send: (connId, event, ...args) => (transport.send as (c: string, e: string, ...a: unknown[]) => void)(connId, event, ...stamp(event, args)),
    broadcast: (channel, event, ...args) => (transport.broadcast as (c: string, e: string, ...a: unknown[]) => void)(channel, event, ...stamp(event, args)),
    join: (connId, channel) => transport.join(connId, channel),
    leave: (connId, channel) => transport.leave(connId, channel),
    drop: (connId, notice) => transport.drop(connId, notice),
  };
}

/** How a room reaches its connections; the socket layer implements it, tests use an in-memory one. */
export interface RoomTransport {
  send<E extends keyof ServerToClientEvents>(connId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /** Sends one message to every connection in a channel: encoded once, whatever their number. */
  broadcast<E extends keyof ServerToClientEvents>(channel: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /** Puts a connection in a channel, or takes it out. */
  join(connId: string, channel: string): void;
  leave(connId: string, channel: string): void;
  /** Tells the connection why it is out of the room, then drops it. */
  drop(connId: string, notice: Parameters<ServerToClientEvents['room:left']>[0]): void;
}

export interface BroadcastInput {
  readonly state: SimState;
  readonly roster: Roster;
  readonly references: StudentView['references'];
  readonly now: number;
  /** Real seconds left of the start countdown (0: none). */
  readonly countdown?: number;
  /** What the room saw of each traffic spike, for the banners' impact. */
  readonly spikes?: SpikeHits;
  /** The clock is running: the room flushes every period anyway, so nothing needs a later flush. */
  readonly ticking?: boolean;
  /** The room's concept checks (null or absent: none). */
  readonly checks?: Pick<RoomChecks, 'student' | 'teacher' | 'projector'> | null;
}

/** How often views move when only the clock, the scores and the load did (real ms). */
export const BROADCAST_TIMING = {
  /**
   * A student's own update (score, cluster, top five, clock), once a second. (900 ms brought the
   * longest gap a student saw from 1.15 s to 1.11 s for 6 % more CPU, which a saturated server
   * cannot spare: docs/PERFORMANCE.md.)
   */
  ambientMs: 1_000,
  /** The teacher's and the projector's screens. */
  hostMs: 1_000,
  /** …and after someone joined, left or was moved, at most this often. */
  hostChangedMs: 250,
  /** The class's standings are recomputed at most this often (each student's own score is always fresh). */
  standingsMs: 500,
} as const;

/** What was last sent to one student connection, and the inputs it was built from. */
interface OwnSent {
  /** Its own part as last sent (the top of the class apart, in `top`). */
  view: Omit<OwnStudentView, 'of' | 'top'> | null;
  /** Its place in each second (ms): its ambient updates go out then, so the class's spread evenly. */
  readonly slotMs: number;
  dueAt: number;
  cluster: ClusterState | null;
  /** The simulated second its own part was built at, and the clock it holds (moved by broadcasts too). */
  builtAtS: number;
  clockS: number;
  references: StudentView['references'] | undefined;
  rank: number;
  teamName: string | null;
  /** The top of the class it holds (the room's value object, so unchanged is one comparison). */
  top: Pick<StudentView, 'of' | 'top'> | null;
  /** Its concept check as last built (the checks' value object: unchanged is one comparison). */
  check: StudentCheck | null;
}

interface HostSent {
  view: TeacherView | ProjectorView | null;
  at: number;
  /** Built from this state: an unchanged room sends nothing. */
  state: SimState | null;
  /** Someone joined, left or moved since. */
  changed: boolean;
  /** The standings it was built with (recomputed apart from the simulation, at most twice a second). */
  board: Standings | null;
  /** The debrief's references it was built with (they arrive with no change to the simulation). */
  references: StudentView['references'] | undefined;
  /** The watched cluster's detail as last sent, as JSON. */
  cluster: string;
}

/**
 * Sends each connection of a room its view, as deltas against the last one it got, so a
 * student's cost is independent of the class's size (docs/PERFORMANCE.md):
 * - the part every student must get together (header, events) is one broadcast to the room, at
 *   once when it changes, never for the clock alone (clients advance the clock themselves);
 * - the rest of a student's view (their cluster and score, the top five, the clock) goes out right
 *   after their own action, else at most once a second at their own moment of the second, so the
 *   class is spread evenly; a student whose view did not move costs nothing;
 * - the teacher's and the projector's screens follow once a second (sooner after a join).
 */
export class Broadcaster {
  private readonly own = new Map<string, OwnSent>();
  private readonly hosts = new Map<string, HostSent>();
  /** Students whose own part changed by their own doing: sent at the next flush. */
  private readonly dirty = new Set<string>();
  /** The shared part as last broadcast: the base of the next delta, and a newcomer's first. */
  private shared: SharedStudentView | null = null;
  private seq = 0;
  /** The top of the class as last computed, the standings it came from, and the deltas to it from older tops. */
  private top: Pick<StudentView, 'of' | 'top'> | null = null;
  private topBoard: Standings | null = null;
  private readonly topDeltas = new Map<object, Record<string, unknown>>();
  private board: Standings | null = null;
  private rosterMoved = false;
  private boardState: SimState | null = null;
  private boardAt = -Infinity;
  /** Hands out ambient slots in join order, so the class's updates spread over each second. */
  private slot = 0;
  /** When the earliest held-back update falls due (this flush). */
  private pendingAt = Infinity;
  /** The events and effects the shared part was last built from: unchanged, nothing to build (a flush follows every action). */
  private sharedFrom: { fired: SimState['fired']; effects: SimState['effects'] } | null = null;

  constructor(
    private readonly code: string,
    private readonly mode: Mode,
    private readonly transport: RoomTransport,
  ) {}

  /** The channel of the room's student connections. */
  get channel(): string {
    return `students:${this.code}`;
  }

  /** A connection left or came back: its next view is whole. */
  forget(connId: string): void {
    if (this.own.delete(connId)) this.transport.leave(connId, this.channel);
    this.hosts.delete(connId);
    this.dirty.delete(connId);
    this.changed();
  }

  /** A student changed their own cluster, or the teacher gave a command: their view goes out with the next flush. */
  touched(connId: string): void {
    this.dirty.add(connId);
  }

  /** Every student's own part may have changed (teams dealt again): each goes out with the next flush. */
  touchAll(): void {
    for (const id of this.own.keys()) this.dirty.add(id);
  }

  /** Who is in the room, or the class's concept-check figures, changed: the teacher's and the projector's screens follow soon. */
  changed(): void {
    for (const sent of this.hosts.values()) sent.changed = true;
    // In team mode who is ranked can change with no change to the simulation.
    this.rosterMoved = true;
  }

  /** The teacher chose another cluster to watch: send its detail afresh. */
  rewatch(connId: string): void {
    const sent = this.hosts.get(connId);
    if (sent) {
      sent.cluster = '';
      sent.changed = true;
    }
  }

  /**
   * Sends what is due. Returns in how many ms something held back for its turn (the clock, the
   * standings, a screen that just had an update) falls due, or null if nothing waits: a room
   * whose clock is not running flushes again then, so nothing is left unsent.
   */
  flush(input: BroadcastInput): number | null {
    const { state, roster, now } = input;
    this.pendingAt = Infinity;
    // After the teacher's own command the standings are fresh (a team dealt out); else at most every standingsMs.
    let commanded = false;
    for (const id of this.dirty) if (this.hosts.has(id)) commanded = true;
    const board = this.standings(state, roster, now, commanded);
    const countdown = input.countdown ?? 0;
    const header = roomHeader(state, this.code, this.seq, countdown);
    this.flushShared(state, header);
    this.flushOwn(input, board, now);
    this.flushHosts(input, board, header);
    // The standings themselves may be behind the state: they are what the rest is built from.
    if (this.boardState !== state || this.rosterMoved) this.wait(this.boardAt + BROADCAST_TIMING.standingsMs);
    return this.pendingAt === Infinity ? null : Math.max(1, this.pendingAt - now);
  }

  private wait(at: number): void {
    if (at < this.pendingAt) this.pendingAt = at;
  }

  private standings(state: SimState, roster: Roster, now: number, fresh: boolean): Standings {
    // Fresh means now: a team dealt out changes who is ranked without changing the simulation.
    if (this.board && !fresh && ((this.boardState === state && !this.rosterMoved) || now - this.boardAt < BROADCAST_TIMING.standingsMs)) return this.board;
    this.rosterMoved = false;
    const seated = this.mode === 'teams' ? roster.seatedTeams() : null;
    this.board = standings(state, seated ? (id) => seated.has(id) : undefined);
    this.boardState = state;
    this.boardAt = now;
    return this.board;
  }

  /** The students' shared part (header and events): one broadcast to the room as soon as it changed, not for the clock alone. */
  private flushShared(state: SimState, header: RoomHeader): void {
    const prev = this.shared;
    if (prev && sameHeader(prev.room, header) && this.sharedFrom?.fired === state.fired && this.sharedFrom.effects === state.effects) return;
    this.sharedFrom = { fired: state.fired, effects: state.effects };
    const next = sharedStudentView(state, this.code, this.seq, header.countdown);
    if (prev && sameHeader(prev.room, header) && diff(prev.effects, next.effects) === undefined && diff(prev.banners, next.banners) === undefined) return;
    const sent: SharedStudentView = { ...next, room: { ...header, seq: ++this.seq } };
    const delta = prev ? (diff(prev, sent) as Record<string, unknown> | undefined) : undefined;
    // The clock always comes with it: whatever a student's own updates last said, this is it now.
    if (delta) delta.room = { ...(delta.room as object), timeS: header.timeS };
    this.shared = sent;
    // Every student now holds this header, clock included (their own updates may have moved it on since the last broadcast).
    for (const own of this.own.values()) own.clockS = header.timeS;
    if (delta !== undefined) this.transport.broadcast(this.channel, 'view:room', delta);
  }

  /** The top of the class as students get it with their own updates: a new value only when it changed. */
  private classTop(board: Standings): Pick<StudentView, 'of' | 'top'> {
    if (this.topBoard === board && this.top) return this.top;
    this.topBoard = board;
    const next = classTop(board);
    if (!this.top || diff(this.top, next) !== undefined) {
      this.top = next;
      this.topDeltas.clear();
    }
    return this.top;
  }

  /** The change from a top of the class a student holds to the current one: the same for everyone holding it, so computed once. */
  private topDelta(held: Pick<StudentView, 'of' | 'top'>, current: Pick<StudentView, 'of' | 'top'>): Record<string, unknown> | undefined {
    if (held === current) return undefined;
    let delta = this.topDeltas.get(held);
    if (delta === undefined) this.topDeltas.set(held, (delta = (diff(held, current) as Record<string, unknown> | undefined) ?? {}));
    return Object.keys(delta).length ? delta : undefined;
  }

  private flushOwn({ state, roster, references, ticking, checks }: BroadcastInput, board: Standings, now: number): void {
    const top = this.classTop(board);
    for (const conn of roster.connections()) {
      if (conn.role !== 'student') continue;
      let sent = this.own.get(conn.id);
      const forced = !sent || sent.view === null || this.dirty.has(conn.id);
      // Not its turn: a running clock flushes again within a period, so nothing more to do here.
      if (!forced && ticking && now < sent!.dueAt) continue;
      const player = conn.playerId ? roster.player(conn.playerId) : undefined;
      const clusterId = player ? roster.clusterOf(player) : null;
      const cluster = clusterId ? clusterOf(state, clusterId) : undefined;
      if (!player || !clusterId || !cluster) continue;
      if (!sent) {
        // A newcomer: the room's shared part whole first, then the room's broadcasts.
        const slotMs = (this.slot++ * 97) % BROADCAST_TIMING.ambientMs;
        sent = { view: null, slotMs, dueAt: 0, cluster: null, builtAtS: -1, clockS: this.shared!.room.timeS, references: undefined, rank: 0, teamName: null, top: null, check: null };
        this.own.set(conn.id, sent);
        this.transport.send(conn.id, 'view:room', whole(this.shared));
        this.transport.join(conn.id, this.channel);
      }
      const rank = board.rankOf.get(cluster.id) ?? board.rows.length + 1;
      const teamName = (player.teamId && roster.team(player.teamId)?.name) || null;
      const check = checks ? checks.student(player.id, state.phase) : null;
      // What its own part is built from (the demand and effects move only with a tick, so with the clock).
      const ownMoved = sent.view === null || cluster !== sent.cluster || state.timeS !== sent.builtAtS || references !== sent.references || rank !== sent.rank || teamName !== sent.teamName || check !== sent.check;
      const moved = ownMoved || top !== sent.top || state.timeS !== sent.clockS;
      if (!forced && now < sent.dueAt) {
        // A standing clock: come back at its turn if anything it shows moved.
        if (moved) this.wait(sent.dueAt);
        continue;
      }
      // The next of its slots: an update out of turn (its own action) does not move its place in the second.
      const period = BROADCAST_TIMING.ambientMs;
      sent.dueAt = sent.slotMs + period * (Math.floor((now - sent.slotMs) / period) + 1);
      // Nothing it is built from moved: nothing to build.
      if (!forced && !moved) continue;
      let message: Record<string, unknown> | undefined;
      if (ownMoved || forced) {
        const score = this.boardState === state ? (board.scores.get(cluster.id) ?? computeScore(state, cluster)) : computeScore(state, cluster);
        const view = ownStudentView(state, cluster, score, { playerId: player.id, nickname: player.nickname, clusterId, teamName }, rank, references, check);
        if (sent.view === null) {
          message = { '=': { ...view, ...top } };
          sent.top = top;
        } else message = diff(sent.view, view) as Record<string, unknown> | undefined;
        Object.assign(sent, { view, cluster, builtAtS: state.timeS, references, rank, teamName, check });
      }
      if (sent.top !== top) {
        const change = this.topDelta(sent.top!, top);
        if (change) message = { ...message, ...change };
        sent.top = top;
      }
      if (sent.clockS !== state.timeS) {
        // The clock rides along (applied to the room's part): a client advances it between updates, this corrects it.
        message = { ...message, room: { timeS: state.timeS } };
        sent.clockS = state.timeS;
      }
      if (message) this.transport.send(conn.id, 'view:student', message);
    }
  }

  private flushHosts({ state, roster, references, now, countdown = 0, spikes, checks }: BroadcastInput, board: Standings, header: RoomHeader): void {
    let rosterEntries: ReturnType<Roster['entries']> | null = null;
    let names: string[] | null = null;
    // Shared by the teacher's and the projector's screens, computed once a round and only for them.
    let bannerList: EventBanner[] | null = null;
    const bannersNow = () => (bannerList ??= bannersWithImpact(state, board, spikes));
    for (const conn of roster.connections()) {
      if (conn.role === 'student') continue;
      let sent = this.hosts.get(conn.id);
      if (!sent) this.hosts.set(conn.id, (sent = { view: null, at: -Infinity, state: null, changed: true, board: null, references: undefined, cluster: '' }));
      const urgent = sent.view === null || !sameHeader(sent.view.room, header) || this.dirty.has(conn.id);
      const dueAt = sent.at + (sent.changed ? BROADCAST_TIMING.hostChangedMs : BROADCAST_TIMING.hostMs);
      const pending = sent.changed || sent.state !== state || sent.board !== board || sent.references !== references;
      if (!urgent && !(pending && now >= dueAt)) {
        if (pending) this.wait(dueAt);
        continue;
      }
      const room = { ...header, seq: this.seq };
      let view: TeacherView | ProjectorView;
      if (conn.role === 'teacher') {
        rosterEntries ??= roster.entries(now);
        view = teacherView(state, {
          code: this.code,
          seq: 0,
          mode: this.mode,
          standings: board,
          roster: rosterEntries,
          teams: roster.teams,
          rejections: roster.rejections(),
          banned: roster.bannedCount,
          countdown,
          banners: bannersNow(),
          checks: checks ? checks.teacher(roster.size) : null,
        });
      } else {
        names ??= roster.names();
        view = projectorView(state, {
          code: this.code,
          seq: 0,
          mode: this.mode,
          standings: board,
          names,
          countdown,
          members: this.mode === 'teams' ? roster.teamSizes() : undefined,
          rejections: roster.rejections(),
          references,
          banners: bannersNow(),
          checks: checks ? checks.projector(state.phase, roster.size) : null,
        });
      }
      view = { ...view, room } as typeof view;
      const delta = sent.view === null ? whole(view) : diff(sent.view, view);
      Object.assign(sent, { view, at: now, state, board, references, changed: false });
      if (delta !== undefined) (this.transport.send as (id: string, e: string, d: unknown) => void)(conn.id, conn.role === 'teacher' ? 'view:teacher' : 'view:projector', delta);
      if (conn.role === 'teacher' && conn.watching) {
        const detail: ClusterDetail | null = clusterDetail(state, conn.watching);
        const json = JSON.stringify(detail);
        if (detail && json !== sent.cluster) {
          sent.cluster = json;
          this.transport.send(conn.id, 'view:cluster', detail);
        }
      }
    }
    this.dirty.clear();
  }
}

/** Whether two headers differ in nothing but the clock and their sequence number. */
function sameHeader(a: RoomHeader, b: RoomHeader): boolean {
  return a.phase === b.phase && a.speed === b.speed && a.locked === b.locked && a.countdown === b.countdown && a.durationS === b.durationS && a.code === b.code;
}
