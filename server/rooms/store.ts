import type { Action } from '../../shared/engine/types.ts';
import type { Mode } from '../../shared/views/types.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';

/** What a room is, apart from its simulation: enough to rebuild it from its log. */
export interface RoomMeta {
  readonly code: string;
  readonly hostToken: string;
  readonly mode: Mode;
  readonly seed: number;
  readonly scenario: Scenario;
  readonly createdAtMs: number;
}

/** One accepted action (ticks included), in the order the room applied it. */
export interface LogEntry {
  readonly seq: number;
  readonly atMs: number;
  readonly action: Action;
}

/**
 * Where rooms are kept. The in-memory store is the default; the durable-sessions issue adds a
 * Redis one behind the same interface, with one contract suite for both.
 */
export interface RoomStore {
  createRoom(meta: RoomMeta): Promise<void>;
  getRoom(code: string): Promise<RoomMeta | null>;
  /** Appends accepted actions; resolves once they are kept. */
  append(code: string, entries: readonly LogEntry[]): Promise<void>;
  readLog(code: string, fromSeq?: number): Promise<LogEntry[]>;
  deleteRoom(code: string): Promise<void>;
  listRooms(): Promise<string[]>;
}

export class InMemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, { meta: RoomMeta; log: LogEntry[] }>();

  async createRoom(meta: RoomMeta): Promise<void> {
    if (this.rooms.has(meta.code)) throw new Error(`room ${meta.code} exists`);
    this.rooms.set(meta.code, { meta, log: [] });
  }

  async getRoom(code: string): Promise<RoomMeta | null> {
    return this.rooms.get(code)?.meta ?? null;
  }

  async append(code: string, entries: readonly LogEntry[]): Promise<void> {
    const room = this.rooms.get(code);
    if (!room) throw new Error(`no room ${code}`);
    room.log.push(...entries);
  }

  async readLog(code: string, fromSeq = 0): Promise<LogEntry[]> {
    return (this.rooms.get(code)?.log ?? []).filter((e) => e.seq >= fromSeq);
  }

  async deleteRoom(code: string): Promise<void> {
    this.rooms.delete(code);
  }

  async listRooms(): Promise<string[]> {
    return [...this.rooms.keys()];
  }
}
