import { randomInt } from 'node:crypto';
import { customAlphabet, nanoid } from 'nanoid';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { Mode } from '../../shared/views/types.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { RoomStore } from '../storage/store.ts';
import { DEFAULT_REPLAY_TTL_DAYS } from '../storage/store.ts';
import type { RoomDeps, RoomHooks, RoomTransport } from './room.ts';
import { Room } from './room.ts';

/** No 0/O, 1/I/L: a code read off a projector must not be misread. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const newCode = customAlphabet(CODE_ALPHABET, 6);

export interface RegistryOptions {
  readonly store: RoomStore;
  readonly clock: Clock;
  readonly transport: RoomTransport;
  readonly hooks?: RoomHooks;
  /** An ended room is kept this long (for late reports), then closed and forgotten. */
  readonly endedTtlMs?: number;
  /** A room nobody is connected to and nothing happens in is closed after this long. */
  readonly idleTtlMs?: number;
  readonly maxRooms?: number;
  /** How long a finished session stays available as a replay (REPLAY_TTL_DAYS). */
  readonly replayTtlDays?: number;
  readonly onArchiveError?: (code: string, error: unknown) => void;
}

export class RoomLimitError extends Error {
  readonly code = 'too-many-rooms';
}

/** All live rooms of this process, by code; it creates them and lets them expire. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly endedAt = new Map<string, number>();
  private readonly sweeper: TimerHandle;
  private readonly options: Required<Omit<RegistryOptions, 'hooks'>> & { hooks?: RoomHooks };

  constructor(options: RegistryOptions) {
    // Options left undefined keep their defaults (a plain spread would let undefined win).
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RegistryOptions;
    this.options = { endedTtlMs: 30 * 60_000, idleTtlMs: 3 * 60 * 60_000, maxRooms: 500, replayTtlDays: DEFAULT_REPLAY_TTL_DAYS, onArchiveError: () => {}, ...defined };
    this.sweeper = options.clock.setInterval(() => void this.sweep(), 60_000);
  }

  async create(scenario: Scenario, mode: Mode, seed = randomInt(0, 2 ** 31)): Promise<{ code: string; hostToken: string; room: Room }> {
    if (this.rooms.size >= this.options.maxRooms) throw new RoomLimitError(`This server already runs ${this.options.maxRooms} sessions.`);
    let code = newCode();
    while (this.rooms.has(code) || (await this.options.store.getRoom(code))) code = newCode();
    const hostToken = nanoid(32);
    const room = await Room.open({ code, hostToken, mode, seed, scenario, createdAtMs: this.options.clock.now(), replayId: nanoid(12) }, this.roomDeps());
    this.rooms.set(code, room);
    return { code, hostToken, room };
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
    };
    return { clock: this.options.clock, transport: this.options.transport, store: this.options.store, hooks };
  }

  /**
   * Brings back every room the store holds (after a restart): each is rebuilt from its log and
   * its clock goes on from where the log ends. Returns the codes restored, and those that could
   * not be (their logs are left in the store, untouched).
   */
  async restoreAll(onError: (code: string, error: unknown) => void = () => {}): Promise<{ restored: string[]; failed: string[] }> {
    const restored: string[] = [];
    const failed: string[] = [];
    for (const code of await this.options.store.listRooms()) {
      if (this.rooms.has(code)) continue;
      try {
        const meta = await this.options.store.getRoom(code);
        if (!meta) continue;
        const snapshot = await this.options.store.latestSnapshot(code);
        const log = await this.options.store.readLog(code, snapshot ? snapshot.seq + 1 : 0);
        const room = Room.restore(meta, log, this.roomDeps(), snapshot);
        this.rooms.set(code, room);
        if (room.phase === 'ended') this.endedAt.set(code, this.options.clock.now());
        restored.push(code);
      } catch (error) {
        failed.push(code);
        onError(code, error);
      }
    }
    return { restored, failed };
  }

  /** Stops every room for a restart (nothing ends; the store keeps it all) and stops sweeping. */
  async suspendAll(): Promise<void> {
    this.options.clock.clear(this.sweeper);
    await Promise.all([...this.rooms.values()].map((room) => room.suspend()));
    this.rooms.clear();
  }

  get(code: string): Room | undefined {
    return this.rooms.get(code.toUpperCase());
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  /** Closes rooms that ended long enough ago, or that everyone left long ago. */
  async sweep(): Promise<void> {
    const now = this.options.clock.now();
    for (const room of this.rooms.values()) {
      const ended = this.endedAt.get(room.code);
      const counts = room.connectionCounts();
      const nobody = counts.student + counts.teacher + counts.projector === 0;
      if ((ended !== undefined && now - ended >= this.options.endedTtlMs) || (nobody && now - room.idleSinceMs >= this.options.idleTtlMs)) {
        await this.remove(room.code);
      }
    }
  }

  /** Keeps the session as a replay (again, if it was kept at the debrief: the copy is refreshed). */
  private async archive(code: string): Promise<void> {
    const room = this.rooms.get(code);
    if (!room?.replayId) return;
    // Archive after the room's pending writes: the replay must hold everything it accepted.
    await room.settled();
    await this.options.store.archive(code, room.replayId, this.options.replayTtlDays * 86_400).catch((error: unknown) => this.options.onArchiveError(code, error));
  }

  async remove(code: string): Promise<void> {
    const room = this.rooms.get(code);
    if (!room) return;
    if (room.phase === 'debrief' || room.phase === 'ended') await this.archive(code);
    room.dispose();
    this.rooms.delete(code);
    this.endedAt.delete(code);
    await this.options.store.deleteRoom(code);
  }

  close(): void {
    this.options.clock.clear(this.sweeper);
    for (const room of this.rooms.values()) room.dispose('The server is shutting down.');
    this.rooms.clear();
  }
}
