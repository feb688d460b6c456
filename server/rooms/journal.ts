import type { SimState } from '../../shared/engine/types.ts';
import type { Logged } from '../../shared/replay/log.ts';
import type { LogEntry, RoomMeta, RoomStore, Snapshot } from '../storage/store.ts';
import { StoreError } from '../storage/store.ts';
import type { RosterState } from './roster.ts';
import type { ChecksState } from './checks.ts';

/**
 * The snapshot format. 1 had no version field and kept the roster's parts at the top level;
 * 2 nests them under `roster` and keeps which seats ever acted. Loading checks the version: a
 * snapshot of a version this code does not know is skipped (the log alone is always enough).
 */
export const SNAPSHOT_VERSION = 2;

export interface SnapshotBody {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly sim: SimState;
  readonly roster: RosterState;
  /** The concept checks' kept answers, in rooms that have checks (absent: none, or a snapshot from before them). */
  readonly checks?: ChecksState;
}

/** What went wrong with a room's keeping that /health and the logs should tell. */
export type JournalIncident =
  | { readonly kind: 'recreated'; readonly code: string; readonly atMs: number; readonly fromSeq: number }
  | { readonly kind: 'snapshot-failed'; readonly code: string; readonly atMs: number; readonly error: unknown };

export class JournalError extends Error {
  override readonly name = 'JournalError';
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

export interface JournalOptions {
  readonly now: () => number;
  /** The room's state as it stands (everything kept so far): what a re-created room starts from. */
  readonly capture: () => SnapshotBody;
  readonly onIncident?: (incident: JournalIncident) => void;
}

/**
 * The only reader and writer of one room's log and snapshots. Entries get their sequence numbers
 * here, and a batch counts as kept only when the store says so: if it refuses, the numbers are
 * not used and the room applies nothing, so a refusal to keep is a true "not applied".
 *
 * If the store has lost the room (FLUSHALL, eviction, failover to an empty replica), the room's
 * keys are written again from its own state (meta, then a snapshot of everything so far) before
 * the batch, so the room plays on and a restart still finds it. The log before that snapshot is
 * gone from the store; reports and replays start from the snapshot.
 */
export class Journal {
  private last: number;
  /** Set when the store is known to have lost this room: the next write re-creates it first. */
  private lost = false;
  private recreations = 0;

  constructor(
    readonly meta: RoomMeta,
    private readonly store: RoomStore,
    private readonly options: JournalOptions,
    lastSeq = 0,
  ) {
    this.last = lastSeq;
  }

  /** A new room's keys. */
  static async create(meta: RoomMeta, store: RoomStore, options: JournalOptions): Promise<Journal> {
    await store.createRoom(meta);
    return new Journal(meta, store, options);
  }

  /** The seq of the last entry kept. */
  get seq(): number {
    return this.last;
  }

  /** How often the room's keys had to be written again. */
  get recreated(): number {
    return this.recreations;
  }

  /** The store told someone it no longer has this room: write it again before the next entry. */
  markLost(): void {
    this.lost = true;
  }

  /**
   * Keeps a batch of log entries, all or nothing, and resolves once the store holds them (or, for
   * a buffered store through an outage, has queued them in order). Rejects with a JournalError
   * when they are not kept; the seqs are then not used.
   */
  async keep(actions: readonly Logged[]): Promise<void> {
    if (actions.length === 0) return;
    const at = this.options.now();
    const entries: LogEntry[] = actions.map((action, i) => ({ seq: this.last + 1 + i, atMs: at, action }));
    try {
      if (this.lost) await this.recreate();
      try {
        await this.store.append(this.meta.code, entries);
      } catch (error) {
        if (!(error instanceof StoreError) || error.code !== 'no-room') throw error;
        await this.recreate();
        await this.store.append(this.meta.code, entries);
      }
    } catch (error) {
      throw new JournalError(`room ${this.meta.code}: could not keep ${entries.length} log entr${entries.length === 1 ? 'y' : 'ies'} from seq ${entries[0]!.seq}`, error);
    }
    this.last += entries.length;
  }

  /** The room's keys again, from its own state: meta, then everything so far as one snapshot. */
  private async recreate(): Promise<void> {
    try {
      await this.store.createRoom(this.meta);
    } catch (error) {
      // Someone (a concurrent write of ours) re-created it already: the snapshot below still counts.
      if (!(error instanceof StoreError) || error.code !== 'room-exists') throw error;
    }
    const body = this.options.capture();
    await this.store.saveSnapshot(this.meta.code, { seq: this.last, atS: body.sim.timeS, state: body });
    this.lost = false;
    this.recreations++;
    this.options.onIncident?.({ kind: 'recreated', code: this.meta.code, atMs: this.options.now(), fromSeq: this.last });
  }

  /**
   * Keeps a snapshot of the state after entry `seq`. Not awaited by the room: a snapshot only
   * speeds recovery up, and the log alone is always enough. Failures are reported, never thrown.
   */
  snapshot(seq: number, body: SnapshotBody): void {
    const snapshot: Snapshot = { seq, atS: body.sim.timeS, state: body };
    this.store.saveSnapshot(this.meta.code, snapshot).catch((error: unknown) => {
      if (error instanceof StoreError && error.code === 'no-room') this.lost = true;
      this.options.onIncident?.({ kind: 'snapshot-failed', code: this.meta.code, atMs: this.options.now(), error });
    });
  }
}

/**
 * A stored snapshot's body in the current format, or null when its version is unknown (then the
 * caller replays the log from the start instead). Version 1 (no version field) is converted.
 */
export function readSnapshot(snapshot: Snapshot): SnapshotBody | null {
  const state = snapshot.state as Partial<SnapshotBody> & { version?: unknown } & Partial<RosterState>;
  if (typeof state !== 'object' || state === null || !state.sim) return null;
  if (state.version === SNAPSHOT_VERSION && state.roster) return state as SnapshotBody;
  if (state.version === undefined && state.players && state.bans && state.teams && state.rejections) {
    return { version: SNAPSHOT_VERSION, sim: state.sim, roster: { players: state.players, bans: state.bans, teams: state.teams, rejections: state.rejections } };
  }
  return null;
}
