import { timingSafeEqual } from 'node:crypto';
import { nanoid } from 'nanoid';
import type { Action, PlayerAction, SimState, StepResult, TeacherAction } from '../../shared/engine/types.ts';
import type { Concept } from '../../shared/engine/concepts.ts';
import { POLICIES, buildReport, createSimulation, reduce, runScenario } from '../../shared/engine/index.ts';
import type { Ack, ActReply, HostReply, Inbound, JoinReply, PlayerActionInput, ProtocolError, ServerToClientEvents } from '../../shared/protocol/index.ts';
import type { Mode, ProjectorView, RosterEntry, StudentView, TeacherView } from '../../shared/views/index.ts';
import { clusterDetail, projectorView, roomStatic, standings, studentView, teacherView } from '../../shared/views/index.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { LogEntry, RoomMeta, RoomStore, Snapshot } from '../storage/store.ts';
import type { RoomEvent, RoomLogEntry } from '../../shared/replay/log.ts';
import { simActionOf } from '../../shared/replay/log.ts';
import { checkNickname } from './nickname.ts';

/** How a room reaches its connections; the socket layer implements it, tests use an in-memory one. */
export interface RoomTransport {
  send<E extends keyof ServerToClientEvents>(connId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /** Tells the connection why it is out of the room, then drops it. */
  drop(connId: string, notice: Parameters<ServerToClientEvents['room:left']>[0]): void;
}

export interface RoomHooks {
  /** The room reached `ended`; the registry schedules its expiry. */
  onEnded?(code: string): void;
  /** The scenario is over (debrief) or the session ended: time to keep it as a replay. */
  onFinished?(code: string): void;
  onAction?(action: Action, ms: number, rejected: boolean): void;
}

export interface RoomDeps {
  readonly clock: Clock;
  readonly transport: RoomTransport;
  readonly store: RoomStore;
  readonly hooks?: RoomHooks;
}

export const ROOM_LIMITS = {
  players: 200,
  /** A seat with no connection is "reconnecting" this long, then "offline". */
  reconnectGraceMs: 30_000,
  /** The clock runs at 10 Hz: one simulated second per 100 ms at speed 1. */
  tickMs: 100,
  /** Views after an action go out together within this many ms. */
  flushMs: 25,
  /** A snapshot every this many simulated seconds. */
  snapshotEveryS: 60,
} as const;

const TEAM_NAMES = ['Red', 'Blue', 'Green', 'Gold', 'Purple', 'Orange', 'Teal', 'Pink', 'Silver', 'Navy', 'Lime', 'Coral'];

interface Player {
  readonly id: string;
  nickname: string;
  readonly key: string;
  readonly resumeToken: string;
  readonly deviceId: string | null;
  teamId: string | null;
  readonly conns: Set<string>;
  lastSeenMs: number;
}

interface RoomSnapshotState {
  readonly sim: SimState;
  readonly players: readonly Omit<Player, 'conns' | 'lastSeenMs'>[];
  readonly bans: { readonly tokens: readonly string[]; readonly devices: readonly string[]; readonly names: readonly string[] };
  readonly teams: readonly { id: string; name: string }[];
  readonly rejections: Partial<Record<Concept, number>>;
}

interface Conn {
  readonly id: string;
  readonly role: 'student' | 'teacher' | 'projector';
  readonly playerId: string | null;
  watching: string | null;
  /** The last view sent, field by field as JSON (without the sequence number): only changes go out. */
  last: Map<string, string>;
  lastCluster: string;
}

const fail = (code: string, message: string, concept?: Concept | null): { ok: false; error: ProtocolError } => ({
  ok: false,
  error: concept === undefined ? { code, message } : { code, message, concept },
});

/**
 * One classroom session: owns its simulation and applies actions one at a time, in arrival order
 * (validate → reduce → persist → send views). It knows connections only by id, through its
 * transport, and time only through its clock, so tests drive it without a network or real time.
 */
export class Room {
  readonly code: string;
  readonly mode: Mode;
  readonly createdAtMs: number;
  private readonly hostToken: string;
  private readonly seed: number;
  private state: SimState;
  private readonly deps: RoomDeps;
  private readonly players = new Map<string, Player>();
  private readonly byToken = new Map<string, string>();
  private readonly conns = new Map<string, Conn>();
  private readonly bans = { tokens: new Set<string>(), devices: new Set<string>(), names: new Set<string>() };
  private readonly teams: { id: string; name: string }[] = [];
  private readonly rejections: Partial<Record<Concept, number>> = {};
  private readonly timers = new Set<TimerHandle>();
  private queue: Promise<unknown> = Promise.resolve();
  private logSeq = 0;
  private lastSnapshotS = 0;
  /** The finished phase last reported to onFinished (debrief, then ended). */
  private finishedIn: string | null = null;
  readonly replayId: string | null;
  private viewSeq = 0;
  private loop: TimerHandle | null = null;
  private ticksDue = 0;
  private loopBusy = false;
  private flushTimer: TimerHandle | null = null;
  private references: StudentView['references'] = null;
  /** The run length the references are (being) computed for. */
  private referencesFor: number | null = null;
  private disposed = false;
  private lastActivityMs: number;

  static async open(meta: RoomMeta, deps: RoomDeps): Promise<Room> {
    await deps.store.createRoom(meta);
    return new Room(meta, deps);
  }

  /**
   * Rebuilds a room from its meta and log (after a restart): the same simulation, players, teams,
   * bans and tallies, with the clock picking up where the log ends. Every player starts out
   * reconnecting; their clients come back with their resume tokens.
   */
  static restore(meta: RoomMeta, entries: readonly RoomLogEntry[], deps: RoomDeps, snapshot?: Snapshot | null): Room {
    const room = new Room(meta, deps);
    // From a snapshot, only the log after it is replayed: that is what makes a restart quick.
    const from = snapshot ? room.load(snapshot) : 0;
    for (const entry of entries) if (entry.seq > from) room.replay(entry);
    room.afterPhaseChange();
    return room;
  }

  /** What a snapshot holds: the simulation and everything the room adds to it. */
  private capture(): RoomSnapshotState {
    return {
      sim: this.state,
      players: [...this.players.values()].map((p) => ({ id: p.id, nickname: p.nickname, key: p.key, resumeToken: p.resumeToken, deviceId: p.deviceId, teamId: p.teamId })),
      bans: { tokens: [...this.bans.tokens], devices: [...this.bans.devices], names: [...this.bans.names] },
      teams: this.teams.map((t) => ({ ...t })),
      rejections: { ...this.rejections },
    };
  }

  private load(snapshot: Snapshot): number {
    const saved = snapshot.state as RoomSnapshotState;
    this.state = saved.sim;
    const now = this.deps.clock.now();
    for (const p of saved.players) {
      this.players.set(p.id, { ...p, conns: new Set(), lastSeenMs: now });
      this.byToken.set(p.resumeToken, p.id);
    }
    saved.bans.tokens.forEach((t) => this.bans.tokens.add(t));
    saved.bans.devices.forEach((d) => this.bans.devices.add(d));
    saved.bans.names.forEach((n) => this.bans.names.add(n));
    this.teams.splice(0, this.teams.length, ...saved.teams);
    Object.assign(this.rejections, saved.rejections);
    this.logSeq = snapshot.seq;
    return snapshot.seq;
  }

  /**
   * Every so many simulated seconds, keeps a snapshot so a restart replays only the log after it.
   * Not awaited: a snapshot only speeds recovery up, and the log alone is always enough.
   */
  private maybeSnapshot(): void {
    if (this.state.timeS % ROOM_LIMITS.snapshotEveryS !== 0 || this.state.timeS === this.lastSnapshotS) return;
    this.lastSnapshotS = this.state.timeS;
    const snapshot: Snapshot = { seq: this.logSeq, atS: this.state.timeS, state: this.capture() };
    this.deps.store.saveSnapshot(this.code, snapshot).catch(() => undefined);
  }

  private replay(entry: RoomLogEntry): void {
    this.logSeq = Math.max(this.logSeq, entry.seq);
    const action = simActionOf(entry.action);
    if (action) {
      const r = reduce(this.state, action);
      // The log holds only what was accepted, and the engine is deterministic: a refusal here
      // means the log and the code disagree, and the rest would drift too.
      if (r.rejection) throw new Error(`room ${this.code}: logged action ${entry.seq} (${action.type}) is refused on replay: ${r.rejection.code}`);
      this.state = r.state;
      return;
    }
    this.onRoomEvent(entry.action as RoomEvent);
  }

  /** Applies a room event to the roster; used live and when replaying the log. */
  private onRoomEvent(event: RoomEvent): void {
    switch (event.type) {
      case 'room:seat': {
        const player: Player = { id: event.playerId, nickname: event.nickname, key: event.key, resumeToken: event.resumeToken, deviceId: event.deviceId, teamId: null, conns: new Set(), lastSeenMs: this.deps.clock.now() };
        this.players.set(player.id, player);
        this.byToken.set(player.resumeToken, player.id);
        break;
      }
      case 'room:team': {
        const player = this.players.get(event.playerId);
        if (player) player.teamId = event.teamId;
        break;
      }
      case 'room:teams':
        this.teams.splice(0, this.teams.length, ...event.teams.map((t) => ({ ...t })));
        break;
      case 'room:ban': {
        const player = this.players.get(event.playerId);
        if (!player) break;
        // The ban outlives a refresh: the seat's token, the device and the nickname are all refused.
        this.bans.tokens.add(player.resumeToken);
        if (player.deviceId) this.bans.devices.add(player.deviceId);
        this.bans.names.add(player.key);
        this.players.delete(player.id);
        this.byToken.delete(player.resumeToken);
        break;
      }
      case 'room:refused':
        if (event.concept) this.rejections[event.concept] = (this.rejections[event.concept] ?? 0) + 1;
        break;
      case 'room:act':
        break;
      default: {
        const never: never = event;
        throw new Error(`unknown room event ${JSON.stringify(never)}`);
      }
    }
  }

  /** Logs a room event, then applies it: kept before it counts, as with actions. */
  private async record(event: RoomEvent): Promise<void> {
    await this.keep(event);
    this.onRoomEvent(event);
  }

  private async keep(logged: RoomLogEntry['action']): Promise<void> {
    const entry: LogEntry = { seq: ++this.logSeq, atMs: this.deps.clock.now(), action: logged };
    // Acknowledged only once kept: with a durable store, nothing acknowledged is lost.
    await this.deps.store.append(this.code, [entry]);
  }

  private constructor(meta: RoomMeta, deps: RoomDeps) {
    this.code = meta.code;
    this.mode = meta.mode;
    this.seed = meta.seed;
    this.hostToken = meta.hostToken;
    this.createdAtMs = meta.createdAtMs;
    this.replayId = meta.replayId ?? null;
    this.deps = deps;
    this.state = createSimulation(meta.scenario, meta.seed);
    this.lastActivityMs = deps.clock.now();
    if (meta.mode === 'teams') for (let i = 0; i < 4; i++) this.teams.push({ id: `team-${i + 1}`, name: `${TEAM_NAMES[i]} team` });
  }

  // ---- what the outside may read -------------------------------------------------------------

  get phase() {
    return this.state.phase;
  }
  get simulation(): SimState {
    return this.state;
  }
  get playerCount(): number {
    return this.players.size;
  }
  get idleSinceMs(): number {
    return this.lastActivityMs;
  }
  connectionCounts(): Record<Conn['role'], number> {
    const counts = { student: 0, teacher: 0, projector: 0 };
    for (const c of this.conns.values()) counts[c.role]++;
    return counts;
  }
  lobbyInfo() {
    const s = this.state.scenario;
    return { code: this.code, title: s.title, summary: s.summary, phase: this.state.phase, mode: this.mode, players: this.players.size, locked: this.state.locked };
  }
  /** Whether a secret is this room's host token (for the teacher's HTTP downloads). */
  isHostToken(token: string): boolean {
    return sameSecret(token, this.hostToken);
  }
  hasConnection(connId: string): boolean {
    return this.conns.has(connId);
  }

  // ---- connections ---------------------------------------------------------------------------

  join(connId: string, req: Pick<Inbound<'room:join'>, 'nickname' | 'resumeToken' | 'deviceId'>): Promise<Ack<JoinReply>> {
    return this.serial(async () => {
      const { clock } = this.deps;
      if (this.state.phase === 'ended') return fail('room-ended', 'This session has ended.');
      if (req.resumeToken && this.bans.tokens.has(req.resumeToken)) return fail('banned', 'The teacher removed you from this session.');
      if (req.deviceId && this.bans.devices.has(req.deviceId)) return fail('banned', 'The teacher removed you from this session.');
      const returning = req.resumeToken ? this.players.get(this.byToken.get(req.resumeToken) ?? '') : undefined;
      let player = returning;
      if (!player) {
        const check = checkNickname(req.nickname);
        if (!check.ok) return fail('bad-nickname', check.message);
        if (this.bans.names.has(check.key)) return fail('banned', 'That nickname was removed from this session by the teacher.');
        if ([...this.players.values()].some((p) => p.key === check.key)) return fail('nickname-taken', `Someone here is already called "${check.nickname}". Pick another nickname.`);
        if (this.state.phase === 'debrief') return fail('room-ended', 'This session has finished; you can no longer join it.');
        if (this.state.locked) return fail('room-locked', 'The teacher has locked this session. Ask them to unlock it.');
        if (this.players.size >= ROOM_LIMITS.players) return fail('room-full', `This session is full (${ROOM_LIMITS.players} players).`);
        const seated = await this.seat({ type: 'room:seat', playerId: nanoid(10), nickname: check.nickname, key: check.key, resumeToken: nanoid(24), deviceId: req.deviceId ?? null });
        if (!seated.ok) return seated;
        player = seated.player;
      }
      this.detach(connId);
      player.conns.add(connId);
      player.lastSeenMs = clock.now();
      this.conns.set(connId, { id: connId, role: 'student', playerId: player.id, watching: null, last: new Map(), lastCluster: '' });
      this.touch();
      this.scheduleFlush();
      return { ok: true, role: 'student' as const, playerId: player.id, resumeToken: player.resumeToken, nickname: player.nickname, room: roomStatic(this.code, this.mode, this.state) };
    });
  }

  /** Seats a new player with a cluster: their own (solo) or the smallest team's. */
  private async seat(seat: Extract<RoomEvent, { type: 'room:seat' }>): Promise<{ ok: true; player: Player } | { ok: false; error: ProtocolError }> {
    if (this.mode === 'solo') {
      const r = await this.apply({ type: 'addCluster', clusterId: seat.playerId, name: seat.nickname });
      if (r.rejection) return fail(r.rejection.code === 'room-locked' ? 'room-locked' : 'rejected', r.rejection.message);
      await this.record(seat);
      return { ok: true, player: this.players.get(seat.playerId)! };
    }
    const sizes = this.teams.map((t) => [...this.players.values()].filter((p) => p.teamId === t.id).length);
    const team = this.teams[sizes.indexOf(Math.min(...sizes))]!;
    await this.record(seat);
    const player = this.players.get(seat.playerId)!;
    const moved = await this.moveToTeam(player, team.id);
    return moved.ok ? { ok: true, player } : moved;
  }

  private async moveToTeam(player: Player, teamId: string): Promise<{ ok: true } | { ok: false; error: ProtocolError }> {
    const team = this.teams.find((t) => t.id === teamId);
    if (!team) return fail('bad-request', `There is no team "${teamId}".`);
    if (!this.state.clusters[team.id]) {
      const r = await this.apply({ type: 'addCluster', clusterId: team.id, name: team.name });
      if (r.rejection) return fail('rejected', r.rejection.message);
    }
    if (player.teamId !== team.id) await this.record({ type: 'room:team', playerId: player.id, teamId: team.id });
    return { ok: true };
  }

  attachHost(connId: string, role: 'teacher' | 'projector', hostToken: string): Promise<Ack<HostReply>> {
    return this.serial(async () => {
      if (!sameSecret(hostToken, this.hostToken)) return fail('forbidden', 'That host link is not valid for this room.');
      this.detach(connId);
      this.conns.set(connId, { id: connId, role, playerId: null, watching: null, last: new Map(), lastCluster: '' });
      this.touch();
      this.scheduleFlush();
      // The replay link is the teacher's to share; a projector on the wall does not show it.
      return { ok: true, role, room: roomStatic(this.code, this.mode, this.state), replayId: role === 'teacher' ? this.replayId : null };
    });
  }

  /** The connection went away (network, refresh): its seat waits for it. */
  disconnect(connId: string): void {
    const conn = this.conns.get(connId);
    if (!conn) return;
    this.detach(connId);
    if (conn.playerId) {
      // Let the teacher see "reconnecting" turn into "offline" without any other change.
      this.timer(ROOM_LIMITS.reconnectGraceMs + 10, () => this.scheduleFlush());
    }
    this.scheduleFlush();
  }

  leave(connId: string): Promise<Ack> {
    return this.serial(async () => {
      this.detach(connId);
      this.scheduleFlush();
      return { ok: true };
    });
  }

  private detach(connId: string): void {
    const conn = this.conns.get(connId);
    if (!conn) return;
    this.conns.delete(connId);
    if (conn.playerId) {
      const player = this.players.get(conn.playerId);
      if (player) {
        player.conns.delete(connId);
        player.lastSeenMs = this.deps.clock.now();
      }
    }
  }

  // ---- student actions -----------------------------------------------------------------------

  act(connId: string, action: PlayerActionInput): Promise<Ack<ActReply>> {
    return this.serial(async () => {
      const conn = this.conns.get(connId);
      const player = conn?.playerId ? this.players.get(conn.playerId) : undefined;
      if (!conn || !player) return fail('not-joined', 'Join the room before placing anything.');
      const clusterId = this.mode === 'solo' ? player.id : player.teamId;
      if (!clusterId) return fail('not-joined', 'You are not on a team yet.');
      const full = { ...action, clusterId } as PlayerAction;
      const before = this.state.clusters[clusterId];
      const r = await this.apply(full, player.id);
      if (r.rejection) {
        // Kept for the teacher's report and the class's misconceptions, which the teacher sees now.
        await this.record({ type: 'room:refused', playerId: player.id, atS: this.state.timeS, action: full, code: r.rejection.code, concept: r.rejection.concept, message: r.rejection.message });
        if (r.rejection.concept) this.scheduleFlush();
        return fail(r.rejection.code, r.rejection.message, r.rejection.concept);
      }
      this.scheduleFlush();
      return { ok: true, ...createdId(before?.instances.length ?? 0, before?.vms.length ?? 0, r.state.clusters[clusterId]!) };
    });
  }

  // ---- teacher commands ----------------------------------------------------------------------

  command(connId: string, action: TeacherAction): Promise<Ack> {
    return this.serial(async () => {
      if (!this.isTeacher(connId)) return forbidden();
      const r = await this.apply(action);
      if (r.rejection) return fail(r.rejection.code, r.rejection.message);
      this.afterPhaseChange();
      this.scheduleFlush();
      return { ok: true };
    });
  }

  kick(connId: string, playerId: string): Promise<Ack> {
    return this.serial(async () => {
      if (!this.isTeacher(connId)) return forbidden();
      const player = this.players.get(playerId);
      if (!player) return fail('bad-request', 'There is no such player in this room.');
      const conns = [...player.conns];
      if (this.mode === 'solo') await this.apply({ type: 'kick', clusterId: player.id });
      await this.record({ type: 'room:ban', playerId: player.id });
      for (const c of conns) {
        this.conns.delete(c);
        this.deps.transport.drop(c, { reason: 'kicked', message: 'The teacher removed you from this session.' });
      }
      this.scheduleFlush();
      return { ok: true };
    });
  }

  watch(connId: string, clusterId: string | null): Promise<Ack<{ cluster: ReturnType<typeof clusterDetail> }>> {
    return this.serial(async () => {
      const conn = this.conns.get(connId);
      if (!conn || conn.role !== 'teacher') return forbidden();
      if (clusterId !== null && !this.state.clusters[clusterId]) return fail('bad-request', 'There is no such cluster in this room.');
      conn.watching = clusterId;
      conn.lastCluster = '';
      return { ok: true, cluster: clusterId ? clusterDetail(this.state, clusterId) : null };
    });
  }

  assignTeam(connId: string, playerId: string, teamId: string): Promise<Ack> {
    return this.serial(async () => {
      if (!this.isTeacher(connId)) return forbidden();
      if (this.mode !== 'teams') return fail('bad-request', 'This room is not in team mode.');
      const player = this.players.get(playerId);
      if (!player) return fail('bad-request', 'There is no such player in this room.');
      const moved = await this.moveToTeam(player, teamId);
      this.scheduleFlush();
      return moved;
    });
  }

  balanceTeams(connId: string, count?: number): Promise<Ack> {
    return this.serial(async () => {
      if (!this.isTeacher(connId)) return forbidden();
      if (this.mode !== 'teams') return fail('bad-request', 'This room is not in team mode.');
      const n = count ?? this.teams.length;
      if (this.teams.length < n) {
        const teams = [...this.teams];
        while (teams.length < n) teams.push({ id: `team-${teams.length + 1}`, name: `${TEAM_NAMES[teams.length % TEAM_NAMES.length]} team` });
        await this.record({ type: 'room:teams', teams });
      }
      // Deal players out in join order, like cards: sizes differ by at most one.
      let i = 0;
      for (const player of this.players.values()) {
        const moved = await this.moveToTeam(player, this.teams[i++ % n]!.id);
        if (!moved.ok) return moved;
      }
      this.scheduleFlush();
      return { ok: true };
    });
  }

  private isTeacher(connId: string): boolean {
    return this.conns.get(connId)?.role === 'teacher';
  }

  // ---- the clock ---------------------------------------------------------------------------

  private afterPhaseChange(): void {
    const running = this.state.phase === 'running';
    if (running && !this.loop) {
      this.ticksDue = 0;
      this.loop = this.deps.clock.setInterval(() => this.onLoop(), ROOM_LIMITS.tickMs);
    } else if (!running && this.loop) {
      this.deps.clock.clear(this.loop);
      this.loop = null;
    }
    // At the debrief, the references over the seconds the class played (all of them, or fewer
    // if the teacher ended early). Only then: a hundred rooms restored at once must not all
    // start simulating their references together.
    const over = this.state.phase === 'debrief' || this.state.phase === 'ended';
    if (over && this.state.timeS > 0) this.startReferences(this.state.timeS);
    if (over && this.finishedIn !== this.state.phase) {
      this.finishedIn = this.state.phase;
      this.deps.hooks?.onFinished?.(this.code);
    }
    if (this.state.phase === 'ended') this.deps.hooks?.onEnded?.(this.code);
  }

  /** Ten times a second: advance by the speed's worth of simulated seconds, then send views. */
  private onLoop(): void {
    this.ticksDue += this.state.speed;
    // If the room is still busy with the last round, let the seconds accumulate rather than queue.
    if (this.loopBusy || this.ticksDue < 1) return;
    this.loopBusy = true;
    void this.serial(async () => {
      const n = Math.floor(this.ticksDue);
      this.ticksDue -= n;
      for (let i = 0; i < n && this.state.phase === 'running'; i++) {
        await this.apply({ type: 'tick' });
        this.maybeSnapshot();
      }
      this.afterPhaseChange();
      this.flush();
    }).finally(() => {
      this.loopBusy = false;
    });
  }

  /**
   * The reference policies' scores for the debrief, over `untilS` seconds: computed in the
   * background, one policy per turn of the event loop, so no room stalls the others. A newer
   * request (the session ended early) supersedes an older one still running.
   */
  private startReferences(untilS: number): void {
    if (this.referencesFor === untilS) return;
    this.referencesFor = untilS;
    this.references = null;
    const full = this.state.scenario;
    const scenario = untilS === full.durationS ? full : { ...full, durationS: untilS, events: full.events.filter((e) => e.atS < untilS) };
    const results: NonNullable<StudentView['references']>[number][] = [];
    const next = (i: number) => {
      if (this.disposed || this.referencesFor !== untilS) return;
      if (i === POLICIES.length) {
        this.references = results;
        this.scheduleFlush();
        return;
      }
      results.push(referenceScore(scenario, this.seed, POLICIES[i]!));
      setImmediate(() => next(i + 1));
    };
    setImmediate(() => next(0));
  }

  // ---- applying and sending ------------------------------------------------------------------

  /** Reduces an action and, when accepted, logs it (with the player who made it, if one did). */
  private async apply(action: Action, by?: string): Promise<StepResult> {
    const started = performance.now();
    const r = reduce(this.state, action);
    if (!r.rejection) {
      this.state = r.state;
      await this.keep(by ? { type: 'room:act', playerId: by, action: action as PlayerAction } : action);
      if (action.type !== 'tick') this.touch();
    }
    this.deps.hooks?.onAction?.(action, performance.now() - started, r.rejection !== null);
    return r;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.disposed) return;
    this.flushTimer = this.timer(ROOM_LIMITS.flushMs, () => {
      this.flushTimer = null;
      this.flush();
    });
  }

  /** Sends every connection its own view, skipping those that have not changed. */
  flush(): void {
    if (this.disposed) return;
    const seq = ++this.viewSeq;
    // In team mode a team nobody is on is not a contender.
    const seated = this.mode === 'teams' ? new Set([...this.players.values()].map((p) => p.teamId)) : null;
    const board = standings(this.state, seated ? (id) => seated.has(id) : undefined);
    const now = this.deps.clock.now();
    let roster: RosterEntry[] | null = null;
    const names = () => [...this.players.values()].map((p) => p.nickname);
    for (const conn of this.conns.values()) {
      if (conn.role === 'student') {
        const player = this.players.get(conn.playerId!);
        if (!player) continue;
        const clusterId = this.mode === 'solo' ? player.id : player.teamId;
        if (!clusterId || !this.state.clusters[clusterId]) continue;
        const teamName = this.teams.find((t) => t.id === player.teamId)?.name ?? null;
        const view = studentView(this.state, { code: this.code, seq: 0, standings: board, you: { playerId: player.id, nickname: player.nickname, clusterId, teamName }, references: this.references });
        this.sendIfChanged(conn, 'view:student', view, seq);
      } else if (conn.role === 'teacher') {
        roster ??= this.roster(now);
        const view = teacherView(this.state, { code: this.code, seq: 0, mode: this.mode, standings: board, roster, teams: this.teams, rejections: this.rejections, banned: this.bans.tokens.size });
        this.sendIfChanged(conn, 'view:teacher', view, seq);
        if (conn.watching) {
          const detail = clusterDetail(this.state, conn.watching);
          const json = JSON.stringify(detail);
          if (detail && json !== conn.lastCluster) {
            conn.lastCluster = json;
            this.deps.transport.send(conn.id, 'view:cluster', detail);
          }
        }
      } else {
        const view = projectorView(this.state, { code: this.code, seq: 0, standings: board, names: names() });
        this.sendIfChanged(conn, 'view:projector', view, seq);
      }
    }
  }

  /**
   * Sends the fields of a view that changed since the last one this connection got (the first
   * is whole), or nothing when none did: most seconds only the clock and the score move, so a
   * class's updates stay small on classroom Wi-Fi.
   */
  private sendIfChanged<E extends 'view:student' | 'view:teacher' | 'view:projector'>(conn: Conn, event: E, view: StudentView | TeacherView | ProjectorView, seq: number): void {
    const patch: Record<string, unknown> = {};
    const first = conn.last.size === 0;
    let changed = false;
    for (const [key, value] of Object.entries(view)) {
      const json = JSON.stringify(value);
      if (conn.last.get(key) === json) continue;
      conn.last.set(key, json);
      patch[key] = value;
      changed = true;
    }
    if (!changed) return;
    patch.room = { ...view.room, seq };
    if (first) patch.whole = true;
    (this.deps.transport.send as (id: string, e: E, v: unknown) => void)(conn.id, event, patch);
  }

  private roster(now: number): RosterEntry[] {
    return [...this.players.values()].map((p) => ({
      playerId: p.id,
      nickname: p.nickname,
      clusterId: this.mode === 'solo' ? p.id : (p.teamId ?? ''),
      teamId: p.teamId,
      status: p.conns.size > 0 ? 'online' : now - p.lastSeenMs < ROOM_LIMITS.reconnectGraceMs ? 'reconnecting' : 'offline',
    }));
  }

  // ---- housekeeping --------------------------------------------------------------------------

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private timer(ms: number, fn: () => void): TimerHandle {
    const handle = this.deps.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
    return handle;
  }

  private touch(): void {
    this.lastActivityMs = this.deps.clock.now();
  }

  /** Resolves once every action the room has taken so far has been handed to its store. */
  settled(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  /**
   * Stops the room for a restart without ending it: timers die, and connections are left to the
   * transport closing under them, so clients reconnect by themselves once the room is restored.
   * Resolves when everything the room accepted has been handed to its store.
   */
  async suspend(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.loop) this.deps.clock.clear(this.loop);
    this.loop = null;
    for (const t of this.timers) this.deps.clock.clear(t);
    this.timers.clear();
    await this.queue;
  }

  /** Closes the room: every connection is told, every timer dies with it. */
  dispose(reason = 'The session is over and has been closed.'): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.loop) this.deps.clock.clear(this.loop);
    this.loop = null;
    for (const t of this.timers) this.deps.clock.clear(t);
    this.timers.clear();
    for (const id of this.conns.keys()) this.deps.transport.drop(id, { reason: 'closed', message: reason });
    this.conns.clear();
  }
}

const forbidden = () => fail('forbidden', 'Only the teacher can do that.');

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The id of what an accepted action created, if it created something. */
function createdId(instancesBefore: number, vmsBefore: number, cluster: SimState['clusters'][string]): ActReply {
  if (cluster.instances.length > instancesBefore) return { id: cluster.instances[cluster.instances.length - 1]!.id };
  if (cluster.vms.length > vmsBefore) return { id: cluster.vms[cluster.vms.length - 1]!.id };
  return {};
}

/** How a reference policy does on this very scenario and seed, for the debrief. */
function referenceScore(scenario: SimState['scenario'], seed: number, policy: (typeof POLICIES)[number]): NonNullable<StudentView['references']>[number] {
  const run = runScenario(scenario, seed, { policy });
  const { score } = buildReport(run.state, run.clusterId, run.rejections);
  return { policy, total: score.total, availability: score.availability, cost: score.cost, security: score.security };
}

