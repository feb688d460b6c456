import type { ClusterState, SimState } from '../../shared/engine/types.ts';
import { computeScore } from '../../shared/engine/score.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import type { ClusterDetail, EventBanner, Mode, OwnStudentView, ProjectorView, RoomHeader, SharedStudentView, SpikeHits, Standings, StudentView, TeacherView } from '../../shared/views/index.ts';
import { bannersWithImpact, clusterDetail, diff, ownStudentView, projectorView, roomHeader, sharedStudentView, standings, teacherView, whole } from '../../shared/views/index.ts';
import type { ServerToClientEvents } from '../../shared/protocol/index.ts';
import type { Roster } from './roster.ts';

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
}

/** How often views move when only the clock, the scores and the load did (real ms). */
export const BROADCAST_TIMING = {
  /** A student's own part, and the room's clock and standings: a screen is never more than a second behind. */
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
  view: OwnStudentView | null;
  /** Its place in each second (ms): its ambient updates go out then, so the class's spread evenly. */
  readonly slotMs: number;
  dueAt: number;
  cluster: ClusterState | null;
  timeS: number;
  demand: readonly number[] | null;
  effects: SimState['effects'] | null;
  references: StudentView['references'] | undefined;
  rank: number;
  teamName: string | null;
}

interface HostSent {
  view: TeacherView | ProjectorView | null;
  at: number;
  /** Built from this state: an unchanged room sends nothing. */
  state: SimState | null;
  /** Someone joined, left or moved since. */
  changed: boolean;
  /** The watched cluster's detail as last sent, as JSON. */
  cluster: string;
}

/**
 * Sends each connection of a room its view, as deltas against the last one it got, so a
 * student's cost is independent of the class's size:
 * - the part every student shares (header, top five, events) is built once per change and sent
 *   as one broadcast: at once when the phase, the pace or the events change, otherwise (the clock,
 *   the standings) at most once a second; clients advance the clock themselves in between;
 * - a student's own part goes out right after their own action, else at most once a second, the
 *   class spread evenly over that second; a student whose cluster, clock and rank did not move
 *   costs nothing;
 * - the teacher's and the projector's screens follow once a second (sooner after a join).
 */
export class Broadcaster {
  private readonly own = new Map<string, OwnSent>();
  private readonly hosts = new Map<string, HostSent>();
  /** Students whose own part changed by their own doing: sent at the next flush. */
  private readonly dirty = new Set<string>();
  /** The shared part as last broadcast: the base of the next delta, and a newcomer's first. */
  private shared: SharedStudentView | null = null;
  private sharedAt = -Infinity;
  private seq = 0;
  private board: Standings | null = null;
  private rosterMoved = false;
  private boardState: SimState | null = null;
  private boardAt = -Infinity;
  /** Hands out ambient slots in join order, so the class's updates spread over each second. */
  private slot = 0;

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

  /** Who is in the room changed: the teacher's and the projector's screens follow soon. */
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
    this.flushShared(state, board, header, now);
    this.flushOwn(input, board, now);
    this.flushHosts(input, board, header);
    // The standings themselves may be behind the state: they are what the rest is built from.
    if (this.boardState !== state || this.rosterMoved) this.wait(this.boardAt + BROADCAST_TIMING.standingsMs);
    return this.pendingAt === Infinity ? null : Math.max(1, this.pendingAt - now);
  }

  /** When the earliest held-back update falls due (this flush). */
  private pendingAt = Infinity;

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

  /** The students' shared part: one broadcast when it changed (at once, or once a second for the clock and standings). */
  private flushShared(state: SimState, board: Standings, header: RoomHeader, now: number): void {
    const next = sharedStudentView(state, this.code, this.seq, board, header.countdown);
    const prev = this.shared;
    if (prev) {
      const urgent = !sameHeader(prev.room, header) || diff(prev.effects, next.effects) !== undefined || diff(prev.banners, next.banners) !== undefined;
      const ambient = !urgent && now - this.sharedAt >= BROADCAST_TIMING.ambientMs && (prev.room.timeS !== header.timeS || prev.of !== next.of || diff(prev.top, next.top) !== undefined);
      if (!urgent && !ambient) {
        if (prev.room.timeS !== header.timeS || prev.of !== next.of || diff(prev.top, next.top) !== undefined) this.wait(this.sharedAt + BROADCAST_TIMING.ambientMs);
        return;
      }
    }
    const sent: SharedStudentView = { ...next, room: { ...header, seq: ++this.seq } };
    const delta = prev ? diff(prev, sent) : undefined;
    this.shared = sent;
    this.sharedAt = now;
    if (delta !== undefined) this.transport.broadcast(this.channel, 'view:room', delta);
  }

  private flushOwn({ state, roster, references }: BroadcastInput, board: Standings, now: number): void {
    for (const conn of roster.connections()) {
      if (conn.role !== 'student') continue;
      const player = conn.playerId ? roster.player(conn.playerId) : undefined;
      const clusterId = player ? roster.clusterOf(player) : null;
      const cluster = clusterId ? clusterOf(state, clusterId) : undefined;
      if (!player || !clusterId || !cluster) continue;
      let sent = this.own.get(conn.id);
      if (!sent) {
        // A newcomer: the room's shared part whole first, then the room's broadcasts.
        const slotMs = (this.slot++ * 97) % BROADCAST_TIMING.ambientMs;
        sent = { view: null, slotMs, dueAt: 0, cluster: null, timeS: -1, demand: null, effects: null, references: undefined, rank: 0, teamName: null };
        this.own.set(conn.id, sent);
        this.transport.send(conn.id, 'view:room', whole(this.shared));
        this.transport.join(conn.id, this.channel);
      }
      const forced = sent.view === null || this.dirty.has(conn.id);
      if (!forced && now < sent.dueAt) {
        if (cluster !== sent.cluster || state.timeS !== sent.timeS || references !== sent.references || (board.rankOf.get(cluster.id) ?? board.rows.length + 1) !== sent.rank) this.wait(sent.dueAt);
        continue;
      }
      // The next of its slots: an update out of turn (its own action) does not move its place in the second.
      const period = BROADCAST_TIMING.ambientMs;
      sent.dueAt = sent.slotMs + period * (Math.floor((now - sent.slotMs) / period) + 1);
      const rank = board.rankOf.get(cluster.id) ?? board.rows.length + 1;
      const teamName = (player.teamId && roster.team(player.teamId)?.name) || null;
      // Nothing it is built from moved: nothing to build.
      if (!forced && cluster === sent.cluster && state.timeS === sent.timeS && state.demand === sent.demand && state.effects === sent.effects && references === sent.references && rank === sent.rank && teamName === sent.teamName) continue;
      const score = this.boardState === state ? (board.scores.get(cluster.id) ?? computeScore(state, cluster)) : computeScore(state, cluster);
      const view = ownStudentView(state, cluster, score, { playerId: player.id, nickname: player.nickname, clusterId, teamName }, rank, references);
      const delta = sent.view === null ? whole(view) : diff(sent.view, view);
      Object.assign(sent, { view, cluster, timeS: state.timeS, demand: state.demand, effects: state.effects, references, rank, teamName });
      if (delta !== undefined) this.transport.send(conn.id, 'view:student', delta);
    }
  }

  private flushHosts({ state, roster, references, now, countdown = 0, spikes }: BroadcastInput, board: Standings, header: RoomHeader): void {
    let rosterEntries: ReturnType<Roster['entries']> | null = null;
    let names: string[] | null = null;
    // Shared by the teacher's and the projector's screens, computed once a round and only for them.
    let bannerList: EventBanner[] | null = null;
    const bannersNow = () => (bannerList ??= bannersWithImpact(state, board, spikes));
    for (const conn of roster.connections()) {
      if (conn.role === 'student') continue;
      let sent = this.hosts.get(conn.id);
      if (!sent) this.hosts.set(conn.id, (sent = { view: null, at: -Infinity, state: null, changed: true, cluster: '' }));
      const urgent = sent.view === null || !sameHeader(sent.view.room, header) || this.dirty.has(conn.id);
      const dueAt = sent.at + (sent.changed ? BROADCAST_TIMING.hostChangedMs : BROADCAST_TIMING.hostMs);
      const pending = sent.changed || sent.state !== state;
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
        });
      }
      view = { ...view, room } as typeof view;
      const delta = sent.view === null ? whole(view) : diff(sent.view, view);
      Object.assign(sent, { view, at: now, state, changed: false });
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
