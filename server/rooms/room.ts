import { sameSecret } from '../common/secrets.ts';
import { nanoid } from 'nanoid';
import type { Action, ClusterState, PlayerAction, SimState, TeacherAction } from '../../shared/engine/types.ts';
import { ENGINE_VERSION, createSimulation, incompatibility, playerStep, reduce, withClusters } from '../../shared/engine/index.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import { withInjected } from '../../shared/engine/references.ts';
import type { Ack, ActReply, AnswerReply, HostReply, Inbound, JoinReply, PlayerActionInput, ProtocolError } from '../../shared/protocol/index.ts';
import { errorReply } from '../../shared/protocol/index.ts';
import type { ClusterDetail, Mode, StudentView } from '../../shared/views/index.ts';
import { SpikeWatch, clusterDetail, roomStatic } from '../../shared/views/index.ts';
import { suggestNickname } from '../../shared/names/nicknames.ts';
import type { Logged, RoomEvent, RoomLogEntry } from '../../shared/replay/log.ts';
import { isRoomEvent, simActionOf } from '../../shared/replay/log.ts';
import type { RoomMeta, RoomStore, Snapshot } from '../storage/store.ts';
import type { Clock } from './clock.ts';
import { checkNickname } from './nickname.ts';
import { Roster, teamName, type Player, type Role, type Team } from './roster.ts';
import { Journal, JournalError, readSnapshot, SNAPSHOT_VERSION, type JournalIncident, type SnapshotBody } from './journal.ts';
import { Broadcaster, stampedTransport, type RoomTransport } from './broadcaster.ts';
import { Ticker, type ReferenceSource } from './ticker.ts';
import { RoomChecks, checkStageOf } from './checks.ts';

export type { RoomTransport } from './broadcaster.ts';
export type { ReferenceSource } from './ticker.ts';

export interface RoomHooks {
  /** The room reached `ended`; the registry schedules its expiry. */
  onEnded?(code: string): void;
  /** The scenario is over (debrief) or the session ended: time to keep it as a replay. */
  onFinished?(code: string): void;
  /** Something was kept after the scenario was over (an answer to the check after the debrief): its replay is out of date. */
  onKeptAfterFinish?(code: string): void;
  onAction?(action: Action, ms: number, rejected: boolean): void;
  /** Something went wrong keeping the room (its keys re-created, a snapshot lost). */
  onStoreIncident?(incident: JournalIncident): void;
  /** A background step (a tick, a timer) failed; the room goes on. */
  onError?(code: string, error: unknown, what: string): void;
}

export interface RoomDeps {
  readonly clock: Clock;
  readonly transport: RoomTransport;
  readonly store: RoomStore;
  readonly references: ReferenceSource;
  readonly hooks?: RoomHooks;
  /** Real seconds between the teacher's start and the first tick (ROOM_LIMITS.countdownS unless set; tests may set 0). */
  readonly countdownS?: number;
  /** Seats a room holds (ROOM_LIMITS.players unless set: MAX_PLAYERS). */
  readonly maxPlayers?: number;
  /**
   * With several processes: whether this process's lease on the room is valid now. While it is
   * not (a long pause, until the lease is renewed or lost), the clock stands and no view goes out.
   */
  readonly mayRun?: (code: string) => boolean;
  /** With several processes: the epoch of this process's lease on the room, stamped on its views (null: none). */
  readonly generation?: (code: string) => number | null;
}

/** What a new room is created with besides its meta. */
export interface RoomOptions {
  /** Its pace (simulated seconds per clock period): kept in the log, so a restore and the replay have it too. */
  readonly speed?: number;
}

export const ROOM_LIMITS = {
  /** Seats per room unless MAX_PLAYERS says otherwise: a keynote or a MOOC session fits. */
  players: 2_000,
  /** A seat with no connection is "reconnecting" this long, then "offline". */
  reconnectGraceMs: 30_000,
  /** A lobby seat that never did anything is freed this long after its last connection left. */
  idleSeatGraceMs: 120_000,
  /** The clock runs at 10 Hz: one simulated second per 100 ms at speed 1. */
  tickMs: 100,
  /** Views after an action go out together within this many ms (only the actor's own view is built then). */
  flushMs: 10,
  /** A snapshot every this many simulated seconds. */
  snapshotEveryS: 60,
  /** Real seconds the clock holds after the teacher presses start: "3, 2, 1". */
  countdownS: 3,
  /** Teams a team-mode room starts with unless it was created with another number. */
  teams: 4,
} as const;

/** A room recorded under other engine rules: not restored (its log stays in the store). */
export class EngineVersionError extends Error {
  override readonly name = 'EngineVersionError';
}

const fail = errorReply;
const forbidden = () => fail('forbidden', 'Only the teacher can do that.');
const notSaved = () => fail('not-saved', 'The server could not save that just now, so it was not applied. Try again in a moment.');

type References = StudentView['references'];

/** Simulation actions and room events that are kept together or not at all. */
interface Change {
  state: SimState;
  readonly logged: Logged[];
}

/**
 * One classroom session. Actions are applied one at a time, in arrival order, through one serial
 * queue: validate → reduce → keep → broadcast. A change counts only once it is kept; the parts
 * it composes each do one job and know nothing of the room:
 * the roster (who is here), the journal (the log and snapshots), the broadcaster (each
 * connection's view) and the ticker (time). Tests drive it with a fake clock and an in-memory
 * transport and store.
 */
export class Room {
  readonly code: string;
  readonly mode: Mode;
  readonly createdAtMs: number;
  readonly replayId: string | null;
  private readonly hostToken: string;
  /** The projector link's key: it shows the room and drives nothing. */
  private readonly projectorToken: string;
  private readonly seed: number;
  private sim: SimState;
  /**
   * Clusters changed by players' actions since the state was last read whole: a player action
   * changes only its own cluster, and copying a room's clusters into a new state costs about half
   * a microsecond per cluster, so in a room of 2,000 they are put into the state together, the
   * next time anything reads it (a tick, a view, a command), not once per action.
   */
  private readonly changedClusters = new Map<string, ClusterState>();
  private readonly deps: RoomDeps;
  private readonly roster: Roster;
  private readonly journal: Journal;
  private readonly broadcaster: Broadcaster;
  private readonly ticker: Ticker;
  /** The concept checks and their answers; null in a room without them. */
  private readonly checks: RoomChecks | null;
  private readonly spikes = new SpikeWatch();
  private queue: Promise<unknown> = Promise.resolve();
  /** The finished phase last reported to onFinished (debrief, then ended). */
  private finishedIn: string | null = null;
  private references: References = null;
  private disposed = false;
  private lastActivityMs: number;
  /** When a teacher's screen was last in the room (now, while one is). */
  private teacherSeenMs: number;

  /** A new room, played under this engine's rules (its meta says which, for restores and replays). */
  static async open(given: RoomMeta, deps: RoomDeps, options: RoomOptions = {}): Promise<Room> {
    const meta: RoomMeta = { ...given, projectorToken: given.projectorToken ?? nanoid(32), engineVersion: ENGINE_VERSION };
    await deps.store.createRoom(meta);
    const room = new Room(meta, deps, 0);
    if (options.speed !== undefined && options.speed !== room.state.speed) {
      // The pace is the log's first entry: a restored room and the replay start at it too.
      const change = room.begin();
      const rejection = room.step(change, { type: 'setSpeed', speed: options.speed });
      if (rejection || !(await room.commit(change))) {
        await deps.store.deleteRoom(meta.code).catch(() => undefined);
        throw new Error(`room ${meta.code}: could not set its speed to ${options.speed}: ${rejection?.message ?? 'the store did not keep it'}`);
      }
    }
    return room;
  }

  /**
   * Rebuilds a room from its meta and log (after a restart): the same simulation, players, teams,
   * bans and tallies, with the clock picking up where the log ends. Every player starts out
   * reconnecting; their clients come back with their resume tokens. From a snapshot, only the log
   * after it is replayed: that is what makes a restart quick.
   */
  static restore(meta: RoomMeta, entries: readonly RoomLogEntry[], deps: RoomDeps, snapshot?: Snapshot | null): Room {
    // Another engine's rules would replay the log to a different game: refuse it by name.
    const mismatch = incompatibility(meta, `room ${meta.code}`);
    if (mismatch) throw new EngineVersionError(mismatch);
    const body = snapshot ? readSnapshot(snapshot) : null;
    // Without a usable snapshot the log must start at the beginning, or the replay would drift.
    if (!body && entries[0] && entries[0].seq > 1) {
      throw new Error(`room ${meta.code}: the log starts at seq ${entries[0].seq} and there is no usable snapshot before it${snapshot ? ` (snapshot ${snapshot.seq} has an unknown format)` : ''}`);
    }
    const from = body ? snapshot!.seq : 0;
    const last = entries.reduce((max, e) => Math.max(max, e.seq), from);
    const room = new Room(meta, deps, last);
    const now = deps.clock.now();
    if (body) {
      room.state = body.sim;
      room.roster.load(body.roster, now);
      if (body.checks) room.checks?.load(body.checks);
    }
    for (const entry of entries) {
      if (entry.seq <= from) continue;
      const action = simActionOf(entry.action);
      if (action) {
        const r = reduce(room.state, action);
        // The log holds only what was accepted, and the engine is deterministic: a refusal here
        // means the log and the code disagree, and the rest would drift too.
        if (r.rejection) throw new Error(`room ${meta.code}: logged action ${entry.seq} (${action.type}) is refused on replay: ${r.rejection.code}`);
        room.state = r.state;
      }
      if (isRoomEvent(entry.action)) {
        room.roster.apply(entry.action, now);
        room.checks?.apply(entry.action);
      }
    }
    room.afterPhaseChange();
    return room;
  }

  private constructor(meta: RoomMeta, deps: RoomDeps, lastSeq: number) {
    this.code = meta.code;
    this.mode = meta.mode;
    this.seed = meta.seed;
    this.hostToken = meta.hostToken;
    // Rooms from before projector keys get one now; its links start with this restore.
    this.projectorToken = meta.projectorToken ?? nanoid(32);
    this.createdAtMs = meta.createdAtMs;
    this.replayId = meta.replayId ?? null;
    this.deps = deps;
    this.sim = createSimulation(meta.scenario, meta.seed);
    this.checks = meta.checks ? new RoomChecks(meta.scenario, meta.seed) : null;
    const now = deps.clock.now();
    this.lastActivityMs = now;
    this.teacherSeenMs = now;
    this.roster = new Roster({ mode: meta.mode, reconnectGraceMs: ROOM_LIMITS.reconnectGraceMs });
    // Every team exists from the start, so newcomers fill them evenly; one nobody is on is never listed.
    if (meta.mode === 'teams') this.roster.apply({ type: 'room:teams', teams: Array.from({ length: meta.teams ?? ROOM_LIMITS.teams }, (_, i) => ({ id: `team-${i + 1}`, name: teamName(i) })) }, now);
    this.journal = new Journal(meta, deps.store, { now: () => deps.clock.now(), capture: () => this.capture(), onIncident: (incident) => deps.hooks?.onStoreIncident?.(incident) }, lastSeq);
    // With several processes, every view carries the generation of this copy of the room (its lease's epoch).
    const generation = deps.generation?.(meta.code) ?? null;
    this.broadcaster = new Broadcaster(meta.code, meta.mode, generation === null ? deps.transport : stampedTransport(deps.transport, generation));
    this.ticker = new Ticker(
      deps.clock,
      { tickMs: ROOM_LIMITS.tickMs, flushMs: ROOM_LIMITS.flushMs, countdownS: deps.countdownS ?? ROOM_LIMITS.countdownS },
      {
        advance: (n) => this.serial(() => this.advance(n)),
        flush: () => this.flush(),
        references: (outcome) => {
          this.references = outcome.ok ? outcome.references : [];
          if (!outcome.ok) this.deps.hooks?.onError?.(this.code, new Error(outcome.message), `references (${outcome.reason})`);
          this.ticker.scheduleFlush();
        },
        error: (error, what) => this.deps.hooks?.onError?.(this.code, error, what),
      },
      () => this.state.speed,
    );
  }

  // ---- what the outside may read -------------------------------------------------------------

  get phase() {
    return this.state.phase;
  }
  get simulation(): SimState {
    return this.state;
  }
  get playerCount(): number {
    return this.roster.size;
  }
  /** The last time someone did something here (joined, acted, commanded): open sockets alone do not count. */
  get idleSinceMs(): number {
    return this.lastActivityMs;
  }
  /** When a teacher's screen was last connected (now, while one is). */
  get teacherLastSeenMs(): number {
    return this.roster.counts().teacher > 0 ? this.deps.clock.now() : this.teacherSeenMs;
  }
  /** How often the store lost this room and its keys were written again. */
  get storeRecreations(): number {
    return this.journal.recreated;
  }
  connectionCounts(): Record<Role, number> {
    return this.roster.counts();
  }
  lobbyInfo() {
    const s = this.state.scenario;
    return { code: this.code, title: s.title, summary: s.summary, phase: this.state.phase, mode: this.mode, players: this.roster.size, locked: this.state.locked };
  }
  /** Whether a secret is this room's host token (for the teacher's HTTP downloads). */
  isHostToken(token: string): boolean {
    return sameSecret(token, this.hostToken);
  }
  hasConnection(connId: string): boolean {
    return this.roster.connection(connId) !== undefined;
  }
  /** The store lost this room (seen by the buffered store's flush): its keys are written again before the next entry. */
  storeLost(): void {
    this.journal.markLost();
  }

  /** The simulation now, the players' latest changes in it. */
  private get state(): SimState {
    if (this.changedClusters.size > 0) {
      this.sim = withClusters(this.sim, this.changedClusters.values());
      this.changedClusters.clear();
    }
    return this.sim;
  }

  private set state(next: SimState) {
    // Only ever a state derived from the getter's (nothing is pending then).
    this.changedClusters.clear();
    this.sim = next;
  }

  // ---- connections ---------------------------------------------------------------------------

  /**
   * A student sits down: on their seat again (resume token) or on a new one. `admitNewSeat` is
   * asked, in the queue, only when a new seat is about to be made (the socket layer's per-address
   * limit), so players coming back are never refused by it.
   */
  join(connId: string, req: Pick<Inbound<'room:join'>, 'nickname' | 'resumeToken' | 'deviceId'>, options: { admitNewSeat?: () => Promise<boolean> } = {}): Promise<Ack<JoinReply>> {
    return this.serial(async () => {
      if (this.disposed) return fail('room-ended', 'This session has been closed.');
      if (this.state.phase === 'ended') return fail('room-ended', 'This session has ended.');
      if (this.roster.banned({ resumeToken: req.resumeToken, deviceId: req.deviceId })) return fail('banned', 'The teacher removed you from this session.');
      let player = this.roster.byResumeToken(req.resumeToken);
      if (!player) {
        const check = checkNickname(req.nickname);
        if (!check.ok) return fail('bad-nickname', check.message);
        if (this.roster.banned({ key: check.key })) return fail('banned', 'That nickname was removed from this session by the teacher.');
        if (this.roster.nicknameTaken(check.key)) return fail('nickname-taken', `Someone here is already called "${check.nickname}". Pick another nickname.`);
        if (this.state.phase === 'debrief') return fail('room-ended', 'This session has finished; you can no longer join it.');
        if (this.state.locked) return fail('room-locked', 'The teacher has locked this session. Ask them to unlock it.');
        const seats = this.deps.maxPlayers ?? ROOM_LIMITS.players;
        if (this.roster.size >= seats) return fail('room-full', `This session is full (${seats} players).`);
        if (options.admitNewSeat && !(await options.admitNewSeat())) return fail('rate-limited', 'Too many new players from this network in the last minute; wait a moment and try again.');
        const seated = await this.seat({ type: 'room:seat', playerId: nanoid(10), nickname: check.nickname, key: check.key, resumeToken: nanoid(24), deviceId: req.deviceId ?? null });
        if (!seated.ok) return seated;
        player = seated.player;
      }
      // Coming back with the resume token: the seat is this connection's now. A connection the
      // server still holds for it is stale (a dropped network waiting for its ping timeout) or
      // another tab: it is told and dropped, so the seat never waits for it.
      for (const old of [...player.conns]) {
        if (old === connId) continue;
        this.roster.detach(old, this.deps.clock.now());
        this.broadcaster.forget(old);
        this.deps.transport.drop(old, { reason: 'replaced', message: 'You opened this seat somewhere else (another tab or device), so this one was closed.' });
      }
      this.attach(connId, 'student', player);
      return { ok: true, role: 'student' as const, playerId: player.id, resumeToken: player.resumeToken, nickname: player.nickname, room: roomStatic(this.code, this.mode, this.state), replayId: this.replayId };
    });
  }

  /** Seats a new player with a cluster: their own (solo) or the smallest team's, kept as one batch. */
  private async seat(seat: Extract<RoomEvent, { type: 'room:seat' }>): Promise<{ ok: true; player: Player } | { ok: false; error: ProtocolError }> {
    const change = this.begin();
    if (this.mode === 'solo') {
      const rejection = this.step(change, { type: 'addCluster', clusterId: seat.playerId, name: seat.nickname });
      if (rejection) return fail(rejection.code === 'room-locked' ? 'room-locked' : 'rejected', rejection.message);
      change.logged.push(seat);
    } else {
      const team = this.roster.smallestTeam();
      if (!team) return fail('rejected', 'This session has no teams to join.');
      change.logged.push(seat);
      const joined = this.joinTeam(change, seat.playerId, team, null);
      if (joined) return joined;
    }
    if (!(await this.commit(change))) return notSaved();
    return { ok: true, player: this.roster.player(seat.playerId)! };
  }

  /** Adds a move to a team to a change: the team's cluster first, if nobody has played on it yet. */
  private joinTeam(change: Change, playerId: string, team: Team, currentTeam: string | null): { ok: false; error: ProtocolError } | null {
    if (!Object.hasOwn(change.state.clusters, team.id)) {
      const rejection = this.step(change, { type: 'addCluster', clusterId: team.id, name: team.name });
      if (rejection) return fail('rejected', rejection.message);
    }
    if (currentTeam !== team.id) change.logged.push({ type: 'room:team', playerId, teamId: team.id });
    return null;
  }

  /**
   * The teacher's console (host token) or a projector (its own read-only key, or the host token
   * in the teacher's own browser). A projector only ever receives views: every command checks
   * for the teacher's role.
   */
  attachHost(connId: string, role: 'teacher' | 'projector', secret: string, kind: 'host' | 'projector' = 'host'): Promise<Ack<HostReply>> {
    return this.serial(async () => {
      if (this.disposed) return fail('room-ended', 'This session has been closed.');
      if (kind === 'projector' ? role !== 'projector' || !sameSecret(secret, this.projectorToken) : !sameSecret(secret, this.hostToken)) {
        return fail('forbidden', kind === 'projector' ? 'That projector link is not valid for this room.' : 'That host link is not valid for this room.');
      }
      this.attach(connId, role, null);
      // The replay link and the projector key are the teacher's to share; a projector on the wall shows neither.
      const teacher = role === 'teacher';
      return { ok: true, role, room: roomStatic(this.code, this.mode, this.state), replayId: teacher ? this.replayId : null, projectorToken: teacher ? this.projectorToken : null };
    });
  }

  private attach(connId: string, role: Role, player: Player | null): void {
    const now = this.deps.clock.now();
    this.roster.attach(connId, role, player, now);
    if (role === 'teacher') this.teacherSeenMs = now;
    this.broadcaster.forget(connId);
    this.touch();
    this.ticker.scheduleFlush();
  }

  /**
   * The connection went away (network, refresh): its seat waits for it. Queued like everything
   * else, so a connection that closes while its join is being kept leaves no seat behind online.
   */
  disconnect(connId: string): Promise<void> {
    return this.serial(async () => {
      this.detach(connId);
    });
  }

  leave(connId: string): Promise<Ack> {
    return this.serial(async () => {
      this.detach(connId);
      return { ok: true };
    });
  }

  private detach(connId: string): void {
    const now = this.deps.clock.now();
    const conn = this.roster.detach(connId, now);
    if (!conn) return;
    this.broadcaster.forget(connId);
    if (conn.role === 'teacher') this.teacherSeenMs = now;
    if (conn.playerId) {
      // Let the teacher see "reconnecting" turn into "offline" without any other change.
      this.ticker.after(ROOM_LIMITS.reconnectGraceMs + 10, () => {
        this.broadcaster.changed();
        this.ticker.scheduleFlush();
      });
      if (this.state.phase === 'lobby') this.ticker.after(ROOM_LIMITS.idleSeatGraceMs + 10, () => void this.freeIdleSeats());
    }
    this.ticker.scheduleFlush();
  }

  /**
   * Frees lobby seats that never did anything and have had nobody on them for a while (bots
   * filling a room, a tab opened and closed), so the seats and their nicknames are free again.
   */
  private freeIdleSeats(): Promise<void> {
    return this.serial(async () => {
      if (this.state.phase !== 'lobby') return;
      const idle = this.roster.idleSeats(this.deps.clock.now(), ROOM_LIMITS.idleSeatGraceMs);
      if (idle.length === 0) return;
      const change = this.begin();
      for (const player of idle) {
        if (this.mode === 'solo' && this.step(change, { type: 'removeCluster', clusterId: player.id })) continue;
        change.logged.push({ type: 'room:unseat', playerId: player.id });
      }
      if (!(await this.commit(change))) return;
      this.broadcaster.changed();
      this.ticker.scheduleFlush();
    });
  }

  // ---- student actions -----------------------------------------------------------------------

  act(connId: string, action: PlayerActionInput): Promise<Ack<ActReply>> {
    return this.serial(async () => {
      const conn = this.roster.connection(connId);
      const player = conn?.playerId ? this.roster.player(conn.playerId) : undefined;
      if (!conn || !player) return fail('not-joined', 'Join the room before placing anything.');
      const clusterId = this.roster.clusterOf(player);
      if (!clusterId) return fail('not-joined', 'You are not on a team yet.');
      const full = { ...action, clusterId } as PlayerAction;
      const started = performance.now();
      // Its own cluster as it is now; the rest of the state is not needed for a player action.
      const r = playerStep(this.sim, this.changedClusters.get(clusterId) ?? clusterOf(this.sim, clusterId), full);
      this.deps.hooks?.onAction?.(full, performance.now() - started, r.rejection !== null);
      if (r.rejection) {
        // Kept for the teacher's report and the class's misconceptions, which the teacher sees now.
        const refused: RoomEvent = { type: 'room:refused', playerId: player.id, atS: this.sim.timeS, action: full, code: r.rejection.code, concept: r.rejection.concept, message: r.rejection.message };
        if (await this.commit({ state: this.sim, logged: [refused] }, () => {})) {
          this.broadcaster.changed();
          this.ticker.scheduleFlush();
        }
        return fail(r.rejection.code, r.rejection.message, r.rejection.concept);
      }
      const changed = r.cluster;
      const kept = await this.commit({ state: this.sim, logged: [{ type: 'room:act', playerId: player.id, action: full }] }, () => {
        if (changed) this.changedClusters.set(clusterId, changed);
      });
      if (!kept) return notSaved();
      // The actor sees the change at once; everyone else's view did not move (the class's
      // standings and the teacher's screen follow within a second).
      if (this.mode === 'solo') this.broadcaster.touched(connId);
      else for (const c of this.roster.connections()) if (c.playerId && this.roster.clusterOf(this.roster.player(c.playerId)!) === clusterId) this.broadcaster.touched(c.id);
      this.ticker.scheduleFlush();
      return { ok: true, ...(r.created ? { id: r.created.id } : {}) };
    });
  }

  /**
   * A student answers a question of the concept check open now (before in the lobby, after at the
   * debrief). The first answer is kept and logged; asking again gives it back. It never touches
   * the game: no score, no rank, no time.
   */
  answer(connId: string, input: Inbound<'player:answer'>): Promise<Ack<AnswerReply>> {
    return this.serial(async () => {
      const conn = this.roster.connection(connId);
      if (conn && conn.role !== 'student') return fail('forbidden', 'Only students answer the concept checks.');
      const player = conn?.playerId ? this.roster.player(conn.playerId) : undefined;
      if (!player) return fail('not-joined', 'Join the room before answering.');
      if (!this.checks) return fail('checks-off', 'This session has no concept checks.');
      const open = checkStageOf(this.state.phase);
      if (open !== input.stage) {
        const when = input.stage === 'before' ? 'before the game starts' : 'after the game, at the debrief';
        return fail('wrong-stage', `That check is open only ${when}.`);
      }
      const marked = this.checks.answer(player.id, input.stage, input.questionId, input.choice);
      if ('code' in marked) return fail(marked.code, marked.message);
      if ('kept' in marked) return { ok: true, result: marked.kept };
      if (!(await this.commit({ state: this.sim, logged: [marked.event] }, () => {}))) return notSaved();
      for (const c of player.conns) this.broadcaster.touched(c);
      this.broadcaster.changed();
      this.ticker.scheduleFlush();
      if (input.stage === 'after') this.deps.hooks?.onKeptAfterFinish?.(this.code);
      return { ok: true, result: marked.result };
    });
  }

  // ---- teacher commands ----------------------------------------------------------------------

  command(connId: string, action: TeacherAction): Promise<Ack> {
    return this.serial(async () => {
      if (!this.isTeacher(connId)) return forbidden();
      const change = this.begin();
      const rejection = this.step(change, action);
      if (rejection) return fail(rejection.code, rejection.message);
      const before = this.state.phase;
      if (!(await this.commit(change))) return notSaved();
      // The run begins with "3, 2, 1" so the class looks up; a restored room never counts down again.
      if (before === 'lobby' && this.state.phase === 'running') this.ticker.startCountdown();
      this.afterPhaseChange();
      // The teacher sees what their command did at once.
      this.broadcaster.touched(connId);
      this.ticker.scheduleFlush();
      return { ok: true };
    });
  }

  /** A classroom-safe nickname nobody here has (nor was removed under). */
  suggestNickname(random: () => number): string {
    return suggestNickname(random, (key) => this.roster.nicknameTaken(key) || this.roster.banned({ key }) !== null);
  }

  kick(connId: string, playerId: string): Promise<Ack> {
    return this.serial(async () => {
      if (!this.isTeacher(connId)) return forbidden();
      const player = this.roster.player(playerId);
      if (!player) return fail('bad-request', 'There is no such player in this room.');
      const conns = [...player.conns];
      const change = this.begin();
      if (this.mode === 'solo') this.step(change, { type: 'kick', clusterId: player.id });
      change.logged.push({ type: 'room:ban', playerId: player.id });
      if (!(await this.commit(change))) return notSaved();
      for (const c of conns) {
        this.broadcaster.forget(c);
        this.deps.transport.drop(c, { reason: 'kicked', message: 'The teacher removed you from this session.' });
      }
      // The teacher sees what their command did at once.
      this.broadcaster.touched(connId);
      this.ticker.scheduleFlush();
      return { ok: true };
    });
  }

  watch(connId: string, clusterId: string | null): Promise<Ack<{ cluster: ClusterDetail | null }>> {
    return this.serial(async () => {
      const conn = this.roster.connection(connId);
      if (!conn || conn.role !== 'teacher') return forbidden();
      if (clusterId !== null && !Object.hasOwn(this.state.clusters, clusterId)) return fail('bad-request', 'There is no such cluster in this room.');
      conn.watching = clusterId;
      this.broadcaster.rewatch(connId);
      return { ok: true, cluster: clusterId ? clusterDetail(this.state, clusterId) : null };
    });
  }

  assignTeam(connId: string, playerId: string, teamId: string): Promise<Ack> {
    return this.serial(async () => {
      if (!this.isTeacher(connId)) return forbidden();
      if (this.mode !== 'teams') return fail('bad-request', 'This room is not in team mode.');
      const player = this.roster.player(playerId);
      if (!player) return fail('bad-request', 'There is no such player in this room.');
      const team = this.roster.team(teamId);
      if (!team) return fail('bad-request', `There is no team "${teamId.slice(0, 64)}".`);
      const change = this.begin();
      const refused = this.joinTeam(change, player.id, team, player.teamId);
      if (refused) return refused;
      if (!(await this.commit(change))) return notSaved();
      for (const c of player.conns) this.broadcaster.touched(c);
      this.broadcaster.changed();
      // The teacher sees what their command did at once.
      this.broadcaster.touched(connId);
      this.ticker.scheduleFlush();
      return { ok: true };
    });
  }

  balanceTeams(connId: string, count?: number): Promise<Ack> {
    return this.serial(async () => {
      if (!this.isTeacher(connId)) return forbidden();
      if (this.mode !== 'teams') return fail('bad-request', 'This room is not in team mode.');
      const n = count ?? this.roster.teams.length;
      // The teams are the n the teacher asked for: newcomers then fill those, not one left over.
      const teams = this.roster.teams.slice(0, n);
      while (teams.length < n) teams.push({ id: `team-${teams.length + 1}`, name: teamName(teams.length) });
      const change = this.begin();
      if (teams.length !== this.roster.teams.length) change.logged.push({ type: 'room:teams', teams });
      // Deal players out in join order, like cards: sizes differ by at most one.
      let i = 0;
      for (const player of this.roster.all()) {
        const refused = this.joinTeam(change, player.id, teams[i++ % n]!, player.teamId);
        if (refused) return refused;
      }
      if (!(await this.commit(change))) return notSaved();
      this.broadcaster.touchAll();
      this.broadcaster.changed();
      // The teacher sees what their command did at once.
      this.broadcaster.touched(connId);
      this.ticker.scheduleFlush();
      return { ok: true };
    });
  }

  private isTeacher(connId: string): boolean {
    return this.roster.connection(connId)?.role === 'teacher';
  }

  // ---- reducing and keeping -----------------------------------------------------------------

  private begin(): Change {
    return { state: this.state, logged: [] };
  }

  /** Reduces one simulation action into a change; null when accepted, else why not. */
  private step(change: Change, action: Action) {
    const started = performance.now();
    const r = reduce(change.state, action);
    this.deps.hooks?.onAction?.(action, performance.now() - started, r.rejection !== null);
    if (r.rejection) return r.rejection;
    change.state = r.state;
    change.logged.push(action);
    return null;
  }

  /**
   * Keeps a change's log entries, then applies it: the new simulation and its room events on
   * the roster. Nothing is applied when the store refuses (the caller says "not applied").
   */
  private async commit(change: Change, apply: () => void = () => (this.state = change.state)): Promise<boolean> {
    if (change.logged.length === 0) return true;
    try {
      await this.journal.keep(change.logged);
    } catch (error) {
      if (!(error instanceof JournalError)) throw error;
      this.deps.hooks?.onError?.(this.code, error, 'keep');
      return false;
    }
    apply();
    const now = this.deps.clock.now();
    for (const logged of change.logged) {
      if (!isRoomEvent(logged)) continue;
      this.roster.apply(logged, now);
      this.checks?.apply(logged);
    }
    if (change.logged.some((l) => l.type !== 'tick')) this.touch();
    return true;
  }

  /**
   * Advances `n` simulated seconds as one batch for the journal, with a snapshot every so many
   * simulated seconds once the batch is kept. False if the store refused it (the seconds stay due).
   */
  private async advance(n: number): Promise<boolean> {
    if (this.disposed) return true;
    // The seconds stay due: if the lease is renewed they are played, if it is lost the room goes.
    if (this.deps.mayRun && !this.deps.mayRun(this.code)) return false;
    if (this.state.phase !== 'running') return true;
    const change = this.begin();
    const snapshots: { seq: number; body: SnapshotBody }[] = [];
    for (let i = 0; i < n && change.state.phase === 'running'; i++) {
      const before = change.state;
      this.step(change, { type: 'tick' });
      this.spikes.observe(before, change.state);
      const t = change.state.timeS;
      if (t % ROOM_LIMITS.snapshotEveryS === 0) snapshots.push({ seq: this.journal.seq + change.logged.length, body: this.capture(change.state) });
    }
    if (!(await this.commit(change))) return false;
    for (const s of snapshots) this.journal.snapshot(s.seq, s.body);
    this.afterPhaseChange();
    return true;
  }

  /** What a snapshot holds: the simulation and everything the room adds to it. */
  private capture(sim: SimState = this.state): SnapshotBody {
    return { version: SNAPSHOT_VERSION, sim, roster: this.roster.capture(), ...(this.checks ? { checks: this.checks.capture() } : {}) };
  }

  private afterPhaseChange(): void {
    this.ticker.setRunning(this.state.phase === 'running');
    // At the debrief, the references over the seconds the class played (all of them, or fewer
    // if the teacher ended early), with the events the teacher sent, computed off the main thread.
    const over = this.state.phase === 'debrief' || this.state.phase === 'ended';
    if (over && this.state.timeS > 0) this.ticker.requestReferences(this.deps.references, withInjected(this.state.scenario, this.state.injected), this.seed, this.state.timeS);
    if (over && this.finishedIn !== this.state.phase) {
      this.finishedIn = this.state.phase;
      this.deps.hooks?.onFinished?.(this.code);
    }
    if (this.state.phase === 'ended') this.deps.hooks?.onEnded?.(this.code);
  }

  /** Sends every connection its own view, skipping those that have not changed. */
  flush(): void {
    if (this.disposed || (this.deps.mayRun && !this.deps.mayRun(this.code))) return;
    const waiting = this.broadcaster.flush({ state: this.state, roster: this.roster, references: this.references, now: this.deps.clock.now(), countdown: this.ticker.countdown, spikes: this.spikes.seen, ticking: this.ticker.running, checks: this.checks });
    // A running clock flushes every period anyway; a standing one comes back for what is held back.
    if (waiting !== null && !this.ticker.running) this.ticker.scheduleFlush(waiting);
  }

  // ---- housekeeping --------------------------------------------------------------------------

  /** Runs `fn` after everything queued before it; a failure of one never stops the queue. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
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
    this.ticker.dispose();
    await this.queue;
  }

  /**
   * Stops the room here at once, writing nothing and telling nobody: another process owns it now
   * (its lease was lost, or a write was fenced), and that process's copy is the room.
   */
  abandon(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ticker.dispose();
  }

  /** Closes the room: every connection is told, every timer dies with it. */
  dispose(reason = 'The session is over and has been closed.'): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ticker.dispose();
    const now = this.deps.clock.now();
    for (const conn of [...this.roster.connections()]) {
      this.roster.detach(conn.id, now);
      this.deps.transport.drop(conn.id, { reason: 'closed', message: reason });
    }
  }
}
