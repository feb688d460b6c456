import type { Logged } from '../../shared/replay/log.ts';
import type { Mode } from '../../shared/views/types.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';

/** What a room is, apart from its simulation: enough to rebuild it from its log. */
export interface RoomMeta {
  readonly code: string;
  readonly hostToken: string;
  /** The read-only key of the projector link; absent in rooms from before it (one is made on restore). */
  readonly projectorToken?: string;
  readonly mode: Mode;
  /** Team mode: how many teams the room was created with (absent: 4). */
  readonly teams?: number;
  readonly seed: number;
  readonly scenario: Scenario;
  readonly createdAtMs: number;
  /** The id its replay will be archived under (the link the teacher gets). */
  readonly replayId?: string;
  /** The engine rules it is played with (shared/engine/version.ts); absent means version 1. */
  readonly engineVersion?: number;
  /** Concept checks before the run and after the debrief (shared/learning); absent means none. */
  readonly checks?: boolean;
}

/**
 * What a log entry carries: a simulation action or a room event. Stores treat it as opaque JSON
 * and never look inside, so new kinds of entry need no store change.
 */
export type LoggedAction = Logged;

/** One accepted action (ticks included), in the order the room applied it. */
export interface LogEntry {
  /** A positive integer, strictly increasing within a room's log. */
  readonly seq: number;
  readonly atMs: number;
  readonly action: LoggedAction;
}

/**
 * The simulation as it stood after log entry `seq`, at `atS` seconds of game time, so recovery
 * and a replay's seek re-run only the log after it. `state` must be JSON.
 */
export interface Snapshot {
  readonly seq: number;
  readonly atS: number;
  readonly state: unknown;
}

/** Where a replay can seek to, without loading every state. */
export type SnapshotInfo = Pick<Snapshot, 'seq' | 'atS'>;

/** A finished session as archived: everything a replay viewer needs to re-run it. */
export interface Replay {
  readonly meta: RoomMeta;
  readonly log: LogEntry[];
  readonly snapshots: Snapshot[];
}

/** How long an archived session is kept unless REPLAY_TTL_DAYS says otherwise. */
export const DEFAULT_REPLAY_TTL_DAYS = 30;

export const STORE_ERROR_CODES = ['room-exists', 'no-room', 'bad-seq', 'replay-id-taken', 'invalid', 'store-unavailable', 'fenced'] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/**
 * What a store knows of its own health without asking anyone: read synchronously (for /health),
 * so a hung backend can never make the answer wait.
 */
export interface StoreStatus {
  /** Whether the store could take writes when last checked. */
  readonly reachable: boolean;
  /** When that was last learnt (an operation's outcome, a connection event or a probe); null if never. */
  readonly checkedAtMs: number | null;
  /** Why it is unreachable, for people reading /health. */
  readonly detail?: string;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Where rooms are kept: in memory (the default, no setup) or in Redis (`REDIS_URL`), behind this
 * one interface and one contract suite (test/storage/store-contract.ts). Everything that goes in
 * comes back as a JSON round trip of it, never as the caller's own object.
 */
export interface RoomStore {
  /** Rejects with `room-exists` when the code is taken, leaving the existing room as it was. */
  createRoom(meta: RoomMeta): Promise<void>;
  /** null for an unknown room. */
  getRoom(code: string): Promise<RoomMeta | null>;
  /**
   * Appends accepted actions and resolves only once they are kept: the room acknowledges an
   * action after this. Concurrent calls for one room are stored in call order. The batch is all
   * or nothing: a seq not above the last one kept (a duplicate, say) rejects it with `bad-seq`;
   * an unknown room with `no-room`. An empty batch does nothing.
   */
  append(code: string, entries: readonly LogEntry[]): Promise<void>;
  /** Entries with seq >= fromSeq, in seq order; [] for an unknown room. */
  readLog(code: string, fromSeq?: number): Promise<LogEntry[]>;
  /** Keeps a snapshot, replacing one with the same seq; `no-room` for an unknown room. */
  saveSnapshot(code: string, snapshot: Snapshot): Promise<void>;
  /** The snapshot with the highest seq, or null. */
  latestSnapshot(code: string): Promise<Snapshot | null>;
  /** The snapshot kept after entry `seq`, or null (a log that starts after one begins from it). */
  getSnapshot(code: string, seq: number): Promise<Snapshot | null>;
  /** Every snapshot's seq and game time, in seq order, for a replay to seek; [] for an unknown room. */
  listSnapshots(code: string): Promise<SnapshotInfo[]>;
  /** Removes the live room (meta, log, snapshots, listing); archived replays stay. No-op if unknown. */
  deleteRoom(code: string): Promise<void>;
  /** The codes of every live room, in no particular order: what recovery brings back. */
  listRooms(): Promise<string[]>;
  /**
   * The session is over: copies its meta, log and snapshots as they are now under `replayId`,
   * kept for `ttlS` seconds, so the live room can then be deleted. Archiving the same room under
   * the same id again refreshes the copy; an id held by another room rejects with
   * `replay-id-taken`; an unknown room with `no-room`.
   */
  archive(code: string, replayId: string, ttlS: number): Promise<void>;
  /** null when unknown or expired. */
  getReplay(replayId: string): Promise<Replay | null>;
  /**
   * One snapshot of a replay, without loading the rest of it (a replay viewer seeking); null
   * when the replay is unknown or expired, or has no snapshot with that seq.
   */
  getReplaySnapshot(replayId: string, seq: number): Promise<Snapshot | null>;
  /** Removes an archived replay and all its copies (a teacher deleting a session); no-op if unknown or expired. */
  deleteReplay(replayId: string): Promise<void>;
  /** Asks the store now: true when it can take writes; never throws. */
  ping(): Promise<boolean>;
  /** What the store last learnt of its health, at once and without I/O; never throws. For /health. */
  status(): StoreStatus;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** The checks both stores make before keeping a batch, so they refuse the same batches. */
export function checkBatch(code: string, entries: readonly LogEntry[], lastSeq: number): void {
  let previous = lastSeq;
  for (const entry of entries) {
    if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) throw new StoreError('bad-seq', `room ${code}: seq ${entry.seq} is not a positive integer`);
    if (entry.seq <= previous) throw new StoreError('bad-seq', `room ${code}: seq ${entry.seq} is not after ${previous}`);
    if (!Number.isFinite(entry.atMs)) throw new StoreError('invalid', `room ${code}: entry ${entry.seq} has no time`);
    if (entry.action === undefined) throw new StoreError('invalid', `room ${code}: entry ${entry.seq} has no action`);
    previous = entry.seq;
  }
}

export function checkSnapshot(code: string, snapshot: Snapshot): void {
  if (!Number.isSafeInteger(snapshot.seq) || snapshot.seq < 0) throw new StoreError('invalid', `room ${code}: snapshot seq ${snapshot.seq} is not an integer >= 0`);
  if (!Number.isFinite(snapshot.atS)) throw new StoreError('invalid', `room ${code}: snapshot ${snapshot.seq} has no game time`);
}

export function checkTtl(ttlS: number): void {
  if (!Number.isFinite(ttlS) || ttlS <= 0) throw new StoreError('invalid', `replay TTL ${ttlS} s is not a positive number`);
}

interface KeptRoom {
  readonly meta: string;
  readonly log: { readonly seq: number; readonly json: string }[];
  /** By seq; values are JSON of the whole snapshot. */
  readonly snapshots: Map<number, { readonly info: SnapshotInfo; readonly json: string }>;
}

interface KeptReplay {
  readonly code: string;
  readonly room: KeptRoom;
  readonly expiresAtMs: number;
}

export interface InMemoryRoomStoreOptions {
  /** Replays expire against this clock (tests pass a fake one). */
  readonly now?: () => number;
}

/**
 * The default store: nothing survives the process. It keeps JSON text, as Redis does, so a
 * caller mutating what it passed in or got back changes nothing here, and both stores refuse and
 * return the same things.
 */
export class InMemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, KeptRoom>();
  private readonly replays = new Map<string, KeptReplay>();
  private readonly now: () => number;

  constructor(options: InMemoryRoomStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async createRoom(meta: RoomMeta): Promise<void> {
    if (this.rooms.has(meta.code)) throw new StoreError('room-exists', `room ${meta.code} exists`);
    this.rooms.set(meta.code, { meta: JSON.stringify(meta), log: [], snapshots: new Map() });
  }

  async getRoom(code: string): Promise<RoomMeta | null> {
    const room = this.rooms.get(code);
    return room ? (JSON.parse(room.meta) as RoomMeta) : null;
  }

  async append(code: string, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const room = this.live(code);
    checkBatch(code, entries, room.log.at(-1)?.seq ?? 0);
    room.log.push(...entries.map((e) => ({ seq: e.seq, json: JSON.stringify(e) })));
  }

  async readLog(code: string, fromSeq = 0): Promise<LogEntry[]> {
    return readEntries(this.rooms.get(code)?.log ?? [], fromSeq);
  }

  async saveSnapshot(code: string, snapshot: Snapshot): Promise<void> {
    const room = this.live(code);
    checkSnapshot(code, snapshot);
    room.snapshots.set(snapshot.seq, { info: { seq: snapshot.seq, atS: snapshot.atS }, json: JSON.stringify(snapshot) });
  }

  async latestSnapshot(code: string): Promise<Snapshot | null> {
    const snapshots = this.rooms.get(code)?.snapshots;
    if (!snapshots || snapshots.size === 0) return null;
    const latest = Math.max(...snapshots.keys());
    return JSON.parse(snapshots.get(latest)!.json) as Snapshot;
  }

  async getSnapshot(code: string, seq: number): Promise<Snapshot | null> {
    const json = this.rooms.get(code)?.snapshots.get(seq)?.json;
    return json === undefined ? null : (JSON.parse(json) as Snapshot);
  }

  async listSnapshots(code: string): Promise<SnapshotInfo[]> {
    const snapshots = this.rooms.get(code)?.snapshots ?? new Map();
    return [...snapshots.values()].map((s) => ({ ...s.info })).sort((a, b) => a.seq - b.seq);
  }

  async deleteRoom(code: string): Promise<void> {
    this.rooms.delete(code);
  }

  async listRooms(): Promise<string[]> {
    return [...this.rooms.keys()];
  }

  async archive(code: string, replayId: string, ttlS: number): Promise<void> {
    checkTtl(ttlS);
    const room = this.live(code);
    this.sweepReplays();
    const held = this.unexpired(replayId);
    if (held && held.code !== code) throw new StoreError('replay-id-taken', `replay ${replayId} belongs to room ${held.code}`);
    // Copies of the containers; the JSON strings in them never change.
    const copy: KeptRoom = { meta: room.meta, log: [...room.log], snapshots: new Map(room.snapshots) };
    this.replays.set(replayId, { code, room: copy, expiresAtMs: this.now() + ttlS * 1000 });
  }

  async getReplay(replayId: string): Promise<Replay | null> {
    const replay = this.unexpired(replayId);
    if (!replay) return null;
    const snapshots = [...replay.room.snapshots.values()].sort((a, b) => a.info.seq - b.info.seq);
    return {
      meta: JSON.parse(replay.room.meta) as RoomMeta,
      log: readEntries(replay.room.log, 0),
      snapshots: snapshots.map((s) => JSON.parse(s.json) as Snapshot),
    };
  }

  async getReplaySnapshot(replayId: string, seq: number): Promise<Snapshot | null> {
    const json = this.unexpired(replayId)?.room.snapshots.get(seq)?.json;
    return json === undefined ? null : (JSON.parse(json) as Snapshot);
  }

  async deleteReplay(replayId: string): Promise<void> {
    this.replays.delete(replayId);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  status(): StoreStatus {
    return { reachable: true, checkedAtMs: this.now() };
  }

  async close(): Promise<void> {}

  private live(code: string): KeptRoom {
    const room = this.rooms.get(code);
    if (!room) throw new StoreError('no-room', `no room ${code}`);
    return room;
  }

  /** Expired replays would otherwise stay in memory until someone asked for them. */
  private sweepReplays(): void {
    for (const id of this.replays.keys()) this.unexpired(id);
  }

  private unexpired(replayId: string): KeptReplay | null {
    const replay = this.replays.get(replayId);
    if (!replay) return null;
    if (this.now() < replay.expiresAtMs) return replay;
    this.replays.delete(replayId);
    return null;
  }
}

function readEntries(log: readonly { readonly seq: number; readonly json: string }[], fromSeq: number): LogEntry[] {
  return log.filter((e) => e.seq >= fromSeq).map((e) => JSON.parse(e.json) as LogEntry);
}
