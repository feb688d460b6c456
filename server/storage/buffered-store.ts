import type { LogEntry, Replay, RoomMeta, RoomStore, Snapshot, SnapshotInfo, StoreStatus } from './store.ts';
import { StoreError } from './store.ts';
import type { Clock, TimerHandle } from '../rooms/clock.ts';

export interface BufferedStoreOptions {
  readonly clock: Clock;
  /** Entries held while the store is unreachable, across all rooms; past it, rooms stop being saved. */
  readonly maxQueued?: number;
  readonly retryMs?: number;
  /**
   * An append the store has not answered within this long is acknowledged from the queue instead
   * (a slow or hung store never holds a room's clock); it is written, in order, when it answers.
   */
  readonly ackWithinMs?: number;
  readonly onEvent?: (event: BufferEvent) => void;
}

/** The store's own status, and what waits in the queue in front of it. */
export interface BufferedStoreStatus extends StoreStatus {
  /** Writes are waiting (the store was unreachable), or the store is unreachable now. */
  readonly degraded: boolean;
  /** Log entries waiting to be written. */
  readonly queued: number;
  /** Log entries given up on because the queue was full. */
  readonly dropped: number;
  /** Rooms no longer saved since the queue filled: they would not survive a restart. */
  readonly unsavedRooms: number;
}

export type BufferEvent =
  | { kind: 'degraded'; error: unknown }
  | { kind: 'recovered'; flushed: number }
  | { kind: 'room-unsaved'; code: string; queued: number }
  /** The store no longer has this room (FLUSHALL, eviction, an empty replica): its room must write its keys again. */
  | { kind: 'room-lost'; code: string; dropped: number };

/**
 * Keeps rooms playing when the durable store goes away. While the store answers, an append is
 * acknowledged once kept, as the store promises. When it fails, the batch and everything after
 * it wait in a bounded queue, in order, and are written as soon as the store is back, so the kept
 * log never has a gap: meanwhile rooms play on from memory and /health says degraded. If the
 * queue fills, the rooms that would overflow it stop being saved (loudly) rather than leaving a
 * log that cannot be replayed.
 */
export class BufferedStore implements RoomStore {
  /**
   * `tried`: the store was asked to keep it at least once, so it may have kept it already.
   * `pending`: that request is still in flight (it was acknowledged from the queue when slow).
   */
  private readonly queue: { code: string; entries: readonly LogEntry[]; tried: boolean; pending?: Promise<void> | undefined }[] = [];
  private queued = 0;
  private readonly unsaved = new Set<string>();
  private timer: TimerHandle | null = null;
  private flushing: Promise<void> | null = null;
  private readonly maxQueued: number;
  private readonly retryMs: number;
  private readonly ackWithinMs: number;
  private readonly lostListeners = new Set<(code: string) => void>();
  private readonly fencedListeners = new Set<(code: string) => void>();
  dropped = 0;

  constructor(
    private readonly inner: RoomStore,
    private readonly options: BufferedStoreOptions,
  ) {
    this.maxQueued = options.maxQueued ?? 200_000;
    this.retryMs = options.retryMs ?? 500;
    this.ackWithinMs = options.ackWithinMs ?? 250;
  }

  /** Calls `listener` with the code of every room the store turns out to have lost while writes waited. */
  onRoomLost(listener: (code: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /**
   * Calls `listener` with the code of every room whose write the store refused because another
   * process owns it now (fencing): this process must give the room up, not retry.
   */
  onFenced(listener: (code: string) => void): () => void {
    this.fencedListeners.add(listener);
    return () => this.fencedListeners.delete(listener);
  }

  /** Tells the listeners when a write was fenced, and passes the outcome on as it was. */
  private watch<T>(code: string, writing: Promise<T>): Promise<T> {
    return writing.catch((error: unknown) => {
      if (isFenced(error)) this.fenced(code);
      throw error;
    });
  }

  private fenced(code: string): void {
    this.forget(code, false);
    for (const listener of this.fencedListeners) listener(code);
  }

  /** For /health and /metrics: synchronous, from what the store and the queue already know. */
  status(): BufferedStoreStatus {
    const inner = this.inner.status();
    return { ...inner, degraded: this.queue.length > 0 || !inner.reachable, queued: this.queued, dropped: this.dropped, unsavedRooms: this.unsaved.size };
  }

  async append(code: string, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.unsaved.has(code)) {
      this.dropped += entries.length;
      return;
    }
    if (this.queue.length === 0) {
      const writing = this.inner.append(code, entries);
      const answer = await this.within(writing);
      if (answer === 'late') {
        // Still in flight: it heads the queue, so what comes after waits behind it, in order.
        this.queue.push({ code, entries, tried: true, pending: writing });
        this.queued += entries.length;
        void this.flush();
        return;
      }
      if (answer.ok) return;
      const { error } = answer;
      // A refusal on first try (bad-seq, no-room, fenced) is for the caller, not an outage to ride out.
      if (isFenced(error)) this.fenced(code);
      if (error instanceof StoreError && error.code !== 'store-unavailable') throw error;
      this.options.onEvent?.({ kind: 'degraded', error });
      this.enqueue(code, entries, true);
      return;
    }
    this.enqueue(code, entries, false);
  }

  /** How a write went, or 'late' if the store has not answered within ackWithinMs. */
  private within(writing: Promise<void>): Promise<{ ok: true } | { ok: false; error: unknown } | 'late'> {
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => resolve('late'), this.ackWithinMs);
      writing.then(
        () => {
          this.options.clock.clear(timer);
          resolve({ ok: true });
        },
        (error: unknown) => {
          this.options.clock.clear(timer);
          resolve({ ok: false, error });
        },
      );
    });
  }

  private enqueue(code: string, entries: readonly LogEntry[], tried: boolean): void {
    if (this.queued + entries.length > this.maxQueued) {
      this.dropped += entries.length;
      this.giveUp(code);
      return;
    }
    this.queue.push({ code, entries, tried });
    this.queued += entries.length;
    this.schedule();
  }

  /**
   * Stops saving a room, loudly: saving only part of its log would make it unreplayable, so its
   * waiting entries go too and the kept log stays a consistent prefix.
   */
  private giveUp(code: string): void {
    const mine = this.queue.filter((q) => q.code === code).reduce((n, q) => n + q.entries.length, 0);
    this.queue.splice(0, this.queue.length, ...this.queue.filter((q) => q.code !== code));
    this.queued -= mine;
    this.dropped += mine;
    this.unsaved.add(code);
    this.options.onEvent?.({ kind: 'room-unsaved', code, queued: this.queued });
  }

  /** Drops a room's waiting entries; if the store lost the room, tells its room to write it again. */
  private forget(code: string, lost: boolean): void {
    const mine = this.queue.filter((q) => q.code === code).reduce((n, q) => n + q.entries.length, 0);
    this.queue.splice(0, this.queue.length, ...this.queue.filter((q) => q.code !== code));
    this.queued -= mine;
    if (!lost) return;
    this.options.onEvent?.({ kind: 'room-lost', code, dropped: mine });
    for (const listener of this.lostListeners) listener(code);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.retryMs);
  }

  /** Writes what waits, oldest first, until the store fails again or the queue is empty. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      let flushed = 0;
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        try {
          // A write acknowledged while slow is awaited, not sent again.
          const writing = head.pending ?? this.inner.append(head.code, head.entries);
          head.pending = undefined;
          await writing;
        } catch (error) {
          // A batch tried before may have been written with its reply lost: then it is kept.
          const kept = head.tried && error instanceof StoreError && error.code === 'bad-seq';
          if (!kept) {
            if (isFenced(error)) {
              // Another process owns the room now: what waits is not ours to write.
              this.fenced(head.code);
              continue;
            }
            if (error instanceof StoreError && error.code === 'no-room') {
              // The store lost the room: what waits for it is in the room's memory, which writes
              // its keys again (meta and a snapshot of all of it) before its next entry.
              this.forget(head.code, true);
              continue;
            }
            if (error instanceof StoreError && error.code !== 'store-unavailable') {
              // Not an outage: waiting will not help.
              this.giveUp(head.code);
              continue;
            }
            head.tried = true;
            this.schedule();
            break;
          }
        }
        this.queue.shift();
        this.queued -= head.entries.length;
        flushed += head.entries.length;
      }
      if (this.queue.length === 0 && flushed > 0) this.options.onEvent?.({ kind: 'recovered', flushed });
    })().finally(() => {
      this.flushing = null;
      // An entry queued while this flush was finishing would otherwise wait for the next append.
      if (this.queue.length > 0) this.schedule();
    });
    return this.flushing;
  }

  // Everything else goes straight to the store: these are rare, and a failure is answered.
  async createRoom(meta: RoomMeta): Promise<void> {
    await this.watch(meta.code, this.inner.createRoom(meta));
    // A room written again from its own state is whole in the store again.
    this.unsaved.delete(meta.code);
  }
  getRoom(code: string): Promise<RoomMeta | null> {
    return this.inner.getRoom(code);
  }
  async readLog(code: string, fromSeq?: number): Promise<LogEntry[]> {
    // What waits in the queue is part of the log too.
    const kept = await this.inner.readLog(code, fromSeq);
    const waiting = this.queue.filter((q) => q.code === code).flatMap((q) => q.entries);
    const last = kept.at(-1)?.seq ?? 0;
    return [...kept, ...waiting.filter((e) => e.seq > last && e.seq >= (fromSeq ?? 0))];
  }
  saveSnapshot(code: string, snapshot: Snapshot): Promise<void> {
    return this.watch(code, this.inner.saveSnapshot(code, snapshot));
  }
  latestSnapshot(code: string): Promise<Snapshot | null> {
    return this.inner.latestSnapshot(code);
  }
  getSnapshot(code: string, seq: number): Promise<Snapshot | null> {
    return this.inner.getSnapshot(code, seq);
  }
  listSnapshots(code: string): Promise<SnapshotInfo[]> {
    return this.inner.listSnapshots(code);
  }
  deleteRoom(code: string): Promise<void> {
    this.forget(code, false);
    this.unsaved.delete(code);
    return this.watch(code, this.inner.deleteRoom(code));
  }
  listRooms(): Promise<string[]> {
    return this.inner.listRooms();
  }
  archive(code: string, replayId: string, ttlS: number): Promise<void> {
    return this.watch(code, this.inner.archive(code, replayId, ttlS));
  }
  getReplay(replayId: string): Promise<Replay | null> {
    return this.inner.getReplay(replayId);
  }
  getReplaySnapshot(replayId: string, seq: number): Promise<Snapshot | null> {
    return this.inner.getReplaySnapshot(replayId, seq);
  }
  deleteReplay(replayId: string): Promise<void> {
    return this.inner.deleteReplay(replayId);
  }
  async ping(): Promise<boolean> {
    return this.queue.length === 0 && (await this.inner.ping());
  }
  /** Tries once more to write what waits (a drain), then closes the store. */
  async close(): Promise<void> {
    if (this.timer) this.options.clock.clear(this.timer);
    this.timer = null;
    await this.flush().catch(() => undefined);
    await this.inner.close();
  }
}

const isFenced = (error: unknown): boolean => error instanceof StoreError && error.code === 'fenced';
