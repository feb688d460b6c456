import { randomInt } from 'node:crypto';
import { customAlphabet, nanoid } from 'nanoid';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { Mode } from '../../shared/views/types.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { RoomStore } from '../storage/store.ts';
import { DEFAULT_REPLAY_TTL_DAYS, StoreError } from '../storage/store.ts';
import type { JournalIncident } from './journal.ts';
import type { ReferenceSource, RoomDeps, RoomHooks, RoomTransport } from './room.ts';
import { EngineVersionError, Room } from './room.ts';
import type { LeaseKeeper } from '../ownership/keeper.ts';

/** No 0/O, 1/I/L: a code read off a projector must not be misread. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const newCode = customAlphabet(CODE_ALPHABET, 6);

export const REGISTRY_DEFAULTS = {
  /** An ended room is kept this long (for late reports), then closed and forgotten. */
  endedTtlMs: 30 * 60_000,
  /** A room where nobody has done anything (joined, acted, commanded) for this long is closed, open sockets or not. */
  idleTtlMs: 3 * 60 * 60_000,
  /** A lobby no teacher's screen has been in for this long is closed: it was made and abandoned. */
  lobbyWithoutTeacherTtlMs: 20 * 60_000,
  maxRooms: 500,
  sweepEveryMs: 60_000,
  /** A replay refreshed for what a finished room kept later (the after-check's answers) at most this often. */
  rearchiveMs: 5_000,
  /** Store incidents kept for /health. */
  incidents: 20,
} as const;

export interface RegistryOptions {
  readonly store: RoomStore;
  readonly clock: Clock;
  readonly transport: RoomTransport;
  readonly references: ReferenceSource;
  readonly hooks?: RoomHooks;
  readonly endedTtlMs?: number;
  readonly idleTtlMs?: number;
  readonly lobbyWithoutTeacherTtlMs?: number;
  readonly maxRooms?: number;
  /** How long a finished session stays available as a replay (REPLAY_TTL_DAYS). */
  readonly replayTtlDays?: number;
  readonly onArchiveError?: (code: string, error: unknown) => void;
  /** A background task failed (a sweep, a deletion); the registry goes on. */
  readonly onError?: (error: unknown, what: string) => void;
  /** Real seconds between a teacher's start and the first tick (tests may set 0). */
  readonly countdownS?: number;
  /** Seats per room (MAX_PLAYERS); ROOM_LIMITS.players unless set. */
  readonly maxPlayers?: number;
  /**
   * With several processes on one Redis: this process's room leases. The registry then holds only
   * the rooms it has a lease on (creating one takes its lease first; restoring one claims it), and
   * claims rooms nobody holds (their owner died or drained) every `claimEveryMs`. Without it, this
   * process owns every room in its store, as one process does.
   */
  readonly keeper?: LeaseKeeper;
  /** How often rooms nobody holds are looked for and claimed (with a keeper). */
  readonly claimEveryMs?: number;
  /** A room this process now runs after another had it (a takeover, or a claim on demand): clients of it elsewhere must join it here. */
  readonly onClaimed?: (code: string) => void;
}

/** Rooms one claiming round takes at most: the survivors of a dead process share its rooms. */
export const CLAIM_BATCH = 4;

/** How a new room is set up: its seed (random unless given), pace, in team mode number of teams, and whether it has concept checks. */
export interface CreateOptions {
  readonly seed?: number;
  readonly speed?: number;
  readonly teams?: number;
  readonly checks?: boolean;
}

export class RoomLimitError extends Error {
  readonly code = 'too-many-rooms';
}

type Resolved = Required<Omit<RegistryOptions, 'hooks' | 'countdownS' | 'maxPlayers' | 'keeper' | 'claimEveryMs' | 'onClaimed'>> & {
  hooks?: RoomHooks;
  countdownS?: number;
  maxPlayers?: number;
  keeper?: LeaseKeeper;
  claimEveryMs?: number;
  onClaimed?: (code: string) => void;
};

/** All live rooms of this process, by code; it creates them and lets them expire. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly endedAt = new Map<string, number>();
  private readonly sweeper: TimerHandle;
  private readonly options: Resolved;
  private readonly incidents: JournalIncident[] = [];
  private sweeping: Promise<void> | null = null;
  private readonly undeleted = new Set<string>();
  /** Rooms whose replay is to be archived again soon (see REGISTRY_DEFAULTS.rearchiveMs). */
  private readonly rearchiving = new Map<string, TimerHandle>();
  /** Rooms being claimed and restored here: whoever asks for one meanwhile waits for it. */
  private readonly claiming = new Map<string, Promise<Room | null>>();
  private claimer: TimerHandle | null = null;
  private claimingRound: Promise<void> | null = null;
  private closed = false;

  constructor(options: RegistryOptions) {
    // Options left undefined keep their defaults (a plain spread would let undefined win).
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RegistryOptions;
    const { incidents: _kept, sweepEveryMs: _every, ...defaults } = REGISTRY_DEFAULTS;
    this.options = { ...defaults, replayTtlDays: DEFAULT_REPLAY_TTL_DAYS, onArchiveError: () => {}, onError: () => {}, ...defined };
    this.sweeper = options.clock.setInterval(() => void this.sweep(), REGISTRY_DEFAULTS.sweepEveryMs);
  }

  get maxRooms(): number {
    return this.options.maxRooms;
  }

  async create(scenario: Scenario, mode: Mode, options: CreateOptions = {}): Promise<{ code: string; hostToken: string; projectorToken: string; room: Room }> {
    if (this.rooms.size >= this.options.maxRooms) throw new RoomLimitError(`This server already runs ${this.options.maxRooms} sessions.`);
    const { seed = randomInt(0, 2 ** 31), speed, teams, checks } = options;
    const hostToken = nanoid(32);
    const projectorToken = nanoid(32);
    // A code another room holds (here, or in the store from another process) is drawn again.
    const { keeper } = this.options;
    for (let attempt = 0; ; attempt++) {
      const code = newCode();
      if (this.rooms.has(code)) continue;
      // With several processes the room's lease comes first: a code another process holds is drawn again.
      if (keeper && !(await keeper.acquire(code))) {
        if (attempt < 20) continue;
        throw new Error('no free room code after 20 draws');
      }
      try {
        const meta = { code, hostToken, projectorToken, mode, ...(mode === 'teams' && teams !== undefined ? { teams } : {}), ...(checks ? { checks: true } : {}), seed, scenario, createdAtMs: this.options.clock.now(), replayId: nanoid(12) };
        const room = await Room.open(meta, this.roomDeps(), { speed });
        this.rooms.set(code, room);
        return { code, hostToken, projectorToken, room };
      } catch (error) {
        await keeper?.release(code).catch(() => undefined);
        if (error instanceof StoreError && error.code === 'room-exists' && attempt < 20) continue;
        throw error;
      }
    }
  }

  private roomDeps(): RoomDeps {
    const hooks: RoomHooks = {
      ...this.options.hooks,
      onEnded: (c) => {
        this.endedAt.set(c, this.options.clock.now());
        this.options.hooks?.onEnded?.(c);
      },
      onFinished: (c) => {
        void this.archive(c);
        this.options.hooks?.onFinished?.(c);
      },
      // One copy for a burst of answers, not one per answer: archiving copies the whole log.
      onKeptAfterFinish: (c) => {
        if (this.rearchiving.has(c)) return;
        this.rearchiving.set(
          c,
          this.options.clock.setTimeout(() => {
            this.rearchiving.delete(c);
            void this.archive(c);
          }, REGISTRY_DEFAULTS.rearchiveMs),
        );
        this.options.hooks?.onKeptAfterFinish?.(c);
      },
      onStoreIncident: (incident) => {
        this.incidents.push(incident);
        if (this.incidents.length > REGISTRY_DEFAULTS.incidents) this.incidents.shift();
        this.options.hooks?.onStoreIncident?.(incident);
      },
    };
    const { keeper } = this.options;
    return {
      clock: this.options.clock,
      transport: this.options.transport,
      store: this.options.store,
      references: this.options.references,
      hooks,
      countdownS: this.options.countdownS,
      maxPlayers: this.options.maxPlayers,
      ...(keeper ? { mayRun: (code: string) => keeper.valid(code), generation: (code: string) => keeper.epochOf(code) } : {}),
    };
  }

  /** What went wrong keeping rooms lately (most recent last), for /health. */
  storeIncidents(): readonly JournalIncident[] {
    return this.incidents;
  }

  /**
   * Brings back every room the store holds (after a restart): each is rebuilt from its log and
   * its clock goes on from where the log ends. With several processes, only rooms nobody holds are
   * claimed, and then rooms whose owner goes away are claimed every `claimEveryMs`. Returns the
   * codes restored, and those that could not be (their logs are left in the store, untouched).
   */
  async restoreAll(onError: (code: string, error: unknown) => void = () => {}): Promise<{ restored: string[]; failed: string[] }> {
    const restored: string[] = [];
    const failed: string[] = [];
    const { keeper } = this.options;
    let codes = (await this.options.store.listRooms()).filter((code) => !this.rooms.has(code));
    if (keeper) {
      codes = shuffle(await keeper.ownership.free(codes)).slice(0, Math.max(0, this.options.maxRooms - this.rooms.size));
      this.startClaiming(onError);
    }
    for (const code of codes) {
      try {
        const room = await this.claim(code);
        if (room) restored.push(code);
      } catch (error) {
        failed.push(code);
        onError(code, error);
      }
    }
    return { restored, failed };
  }

  /**
   * The room, here: live already, or claimed and restored now if nobody holds it. Null when no
   * such room is kept, or another process holds it (then ask that one). Several callers asking at
   * once share one claim.
   */
  async ensure(code: string): Promise<Room | null> {
    const live = this.rooms.get(code);
    if (live) return live;
    const pending = this.claiming.get(code);
    if (pending) return pending;
    if (!this.options.keeper || this.closed) return null;
    return this.claim(code).catch((error: unknown) => {
      this.options.onError(error, `claiming room ${code}`);
      return null;
    });
  }

  /** Whether the store keeps a room of this code (live here or elsewhere, or waiting for an owner). */
  async known(code: string): Promise<boolean> {
    return this.rooms.has(code) || (await this.options.store.getRoom(code)) !== null;
  }

  /** A room whose claim is under way here, once restored (or null if it failed). */
  restoring(code: string): Promise<Room | null> | undefined {
    return this.claiming.get(code);
  }

  /** Takes a room's lease (with several processes) and rebuilds it from the store. */
  private claim(code: string): Promise<Room | null> {
    const existing = this.claiming.get(code);
    if (existing) return existing;
    const claiming = (async () => {
      const { keeper, store } = this.options;
      const meta = await store.getRoom(code);
      if (!meta || this.rooms.has(code)) return this.rooms.get(code) ?? null;
      if (keeper && !(await keeper.acquire(code))) return null;
      try {
        const snapshot = await store.latestSnapshot(code);
        const log = await store.readLog(code, snapshot ? snapshot.seq + 1 : 0);
        // A snapshot of an unknown format is skipped: the whole log is read instead.
        const room = await restoreRoom(meta, log, snapshot, this.roomDeps(), () => store.readLog(code, 0));
        if (this.closed) {
          room.abandon();
          await keeper?.release(code);
          return null;
        }
        this.rooms.set(code, room);
        if (room.phase === 'ended') this.endedAt.set(code, this.options.clock.now());
        if (keeper) this.options.onClaimed?.(code);
        return room;
      } catch (error) {
        // Left in the store as it is, for another try (here or elsewhere).
        await keeper?.release(code).catch(() => undefined);
        throw error;
      }
    })().finally(() => this.claiming.delete(code));
    this.claiming.set(code, claiming);
    return claiming;
  }

  /** Claims rooms nobody holds, a few at a time and in random order, on a timer (several processes). */
  private startClaiming(onError: (code: string, error: unknown) => void): void {
    if (this.claimer || !this.options.keeper) return;
    const every = this.options.claimEveryMs ?? 1_000;
    this.claimer = this.options.clock.setInterval(() => {
      this.claimingRound ??= this.claimRound(onError).finally(() => {
        this.claimingRound = null;
      });
    }, every);
    (this.claimer as { unref?: () => void }).unref?.();
  }

  private async claimRound(onError: (code: string, error: unknown) => void): Promise<void> {
    const { keeper, store } = this.options;
    if (!keeper || this.closed) return;
    try {
      const space = this.options.maxRooms - this.rooms.size;
      if (space <= 0) return;
      const codes = (await store.listRooms()).filter((code) => !this.rooms.has(code) && !this.claiming.has(code));
      if (codes.length === 0) return;
      const free = shuffle(await keeper.ownership.free(codes)).slice(0, Math.min(space, CLAIM_BATCH));
      for (const code of free) await this.claim(code).catch((error: unknown) => onError(code, error));
    } catch (error) {
      this.options.onError(error, 'claiming free rooms');
    }
  }

  /**
   * Stops a room here at once, writing nothing: another process owns it now (its lease was lost, or
   * a write was fenced). Its clients are joined to the new owner when it announces the room.
   */
  relinquish(code: string): void {
    const room = this.rooms.get(code);
    this.options.keeper?.forget(code);
    if (!room) return;
    room.abandon();
    this.rooms.delete(code);
    this.endedAt.delete(code);
  }

  /** The epoch this process's writes to a room are fenced with (several processes), or null. */
  epochOf(code: string): number | null {
    return this.options.keeper?.epochOf(code) ?? null;
  }

  /** Stops every room for a restart (nothing ends; the store keeps it all) and stops sweeping. */
  async suspendAll(): Promise<void> {
    this.closed = true;
    this.options.clock.clear(this.sweeper);
    if (this.claimer) this.options.clock.clear(this.claimer);
    await this.claimingRound;
    await Promise.all([...this.claiming.values()].map((c) => c.catch(() => null)));
    await Promise.all([...this.rooms.values()].map((room) => room.suspend()));
    this.rooms.clear();
  }

  get(code: string): Room | undefined {
    return this.rooms.get(code.toUpperCase());
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  /**
   * Closes rooms that ended long enough ago, where nobody has done anything for long, or lobbies
   * no teacher has been in for a while. Never rejects: a failure is reported and the next sweep
   * tries again.
   */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    // Store copies a failed sweep could not delete: a restart would otherwise bring them back.
    for (const code of [...this.undeleted]) {
      try {
        await this.options.store.deleteRoom(code);
        this.undeleted.delete(code);
      } catch (error) {
        this.options.onError(error, `deleting room ${code} from the store`);
      }
    }
    const now = this.options.clock.now();
    const { endedTtlMs, idleTtlMs, lobbyWithoutTeacherTtlMs } = this.options;
    for (const room of [...this.rooms.values()]) {
      const ended = this.endedAt.get(room.code);
      const expired =
        (ended !== undefined && now - ended >= endedTtlMs) ||
        now - room.idleSinceMs >= idleTtlMs ||
        (room.phase === 'lobby' && now - room.teacherLastSeenMs >= lobbyWithoutTeacherTtlMs);
      if (!expired) continue;
      try {
        await this.remove(room.code);
      } catch (error) {
        this.undeleted.add(room.code);
        this.options.onError(error, `sweeping room ${room.code}`);
      }
    }
  }

  /** Keeps the session as a replay (again, if it was kept at the debrief: the copy is refreshed). */
  private async archive(code: string): Promise<void> {
    const room = this.rooms.get(code);
    if (!room?.replayId) return;
    try {
      // Archive after the room's pending writes: the replay must hold everything it accepted.
      await room.settled();
      await this.options.store.archive(code, room.replayId, this.options.replayTtlDays * 86_400);
    } catch (error) {
      this.options.onArchiveError(code, error);
    }
  }

  /** Closes a room and forgets it; the store's copy goes last, so a failure there leaves nothing live behind. */
  async remove(code: string): Promise<void> {
    const room = this.rooms.get(code);
    if (!room) return;
    this.stopRearchiving(code);
    if (room.phase === 'debrief' || room.phase === 'ended') await this.archive(code);
    room.dispose();
    this.rooms.delete(code);
    this.endedAt.delete(code);
    await this.options.store.deleteRoom(code);
    // Its lease last: until the store's copy is gone, no other process may claim it back.
    await this.options.keeper?.release(code);
  }

  /**
   * A teacher deleted the session: everyone in it is told, and its live copy and its replay go
   * from the store. Nothing is archived on the way out.
   */
  async erase(code: string): Promise<void> {
    const room = this.rooms.get(code);
    if (!room) return;
    this.stopRearchiving(code);
    room.dispose('The teacher deleted this session and everything kept about it.');
    this.rooms.delete(code);
    this.endedAt.delete(code);
    // Writes it had accepted land first, so none re-creates what is deleted next.
    await room.settled().catch(() => {});
    await this.options.store.deleteRoom(code);
    if (room.replayId) await this.options.store.deleteReplay(room.replayId);
    await this.options.keeper?.release(code);
  }

  private stopRearchiving(code: string): void {
    const timer = this.rearchiving.get(code);
    if (timer === undefined) return;
    this.options.clock.clear(timer);
    this.rearchiving.delete(code);
  }

  close(): void {
    this.closed = true;
    for (const code of [...this.rearchiving.keys()]) this.stopRearchiving(code);
    this.options.clock.clear(this.sweeper);
    if (this.claimer) this.options.clock.clear(this.claimer);
    for (const room of this.rooms.values()) room.dispose('The server is shutting down.');
    this.rooms.clear();
  }
}

/** Restores a room; if its snapshot's format is unknown, from its whole log instead. */
async function restoreRoom(meta: Parameters<typeof Room.restore>[0], tail: Parameters<typeof Room.restore>[1], snapshot: Parameters<typeof Room.restore>[3], deps: RoomDeps, wholeLog: () => ReturnType<RoomStore['readLog']>): Promise<Room> {
  try {
    return Room.restore(meta, tail, deps, snapshot);
  } catch (error) {
    if (!snapshot || error instanceof EngineVersionError) throw error;
    return Room.restore(meta, await wholeLog(), deps, null);
  }
}

/** A random order (Fisher–Yates): processes claiming at once start on different rooms. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
