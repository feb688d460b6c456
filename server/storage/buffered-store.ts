import type { LogEntry, Replay, RoomMeta, RoomStore, Snapshot, SnapshotInfo } from './store.ts';
import { StoreError } from './store.ts';
import type { Clock, TimerHandle } from '../rooms/clock.ts';

export interface BufferedStoreOptions {
  readonly clock: Clock;
  /** Entries held while the store is unreachable, across all rooms; past it, rooms stop being saved. */
  readonly maxQueued?: number;
  readonly retryMs?: number;
  readonly onEvent?: (event: BufferEvent) => void;
}

export type BufferEvent =
  | { kind: 'degraded'; error: unknown }
  | { kind: 'recovered'; flushed: number }
  | { kind: 'room-unsaved'; code: string; queued: number };

/**
 * Keeps rooms playing when the durable store goes away. While the store answers, an append is
 * acknowledged once kept, as the store promises. When it fails, the batch and everything after
 * it wait in a bounded queue, in order, and are written as soon as the store is back, so the kept
 * log never has a gap: meanwhile rooms play on from memory and /health says degraded. If the
 * queue fills, the rooms that would overflow it stop being saved (loudly) rather than leaving a
 * log that cannot be replayed.
 */
export class BufferedStore implements RoomStore {
  /** `tried`: the store was asked to keep it at least once, so it may have kept it already. */
  private readonly queue: { code: string; entries: readonly LogEntry[]; tried: boolean }[] = [];
  private queued = 0;
  private readonly unsaved = new Set<string>();
  private timer: TimerHandle | null = null;
  private flushing: Promise<void> | null = null;
  private readonly maxQueued: number;
  private readonly retryMs: number;
  dropped = 0;

  constructor(
    private readonly inner: RoomStore,
    private readonly options: BufferedStoreOptions,
  ) {
    this.maxQueued = options.maxQueued ?? 200_000;
    this.retryMs = options.retryMs ?? 500;
  }

  /** For /health and /metrics. */
  status(): { degraded: boolean; queued: number; dropped: number; unsavedRooms: number } {
    return { degraded: this.queue.length > 0, queued: this.queued, dropped: this.dropped, unsavedRooms: this.unsaved.size };
  }

  async append(code: string, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.unsaved.has(code)) {
      this.dropped += entries.length;
      return;
    }
    if (this.queue.length === 0) {
      try {
        await this.inner.append(code, entries);
        return;
      } catch (error) {
        // A refusal on first try (bad-seq, no-room) is a bug to surface, not an outage to ride out.
        if (error instanceof StoreError && error.code !== 'store-unavailable') throw error;
        this.options.onEvent?.({ kind: 'degraded', error });
        this.enqueue(code, entries, true);
        return;
      }
    }
    this.enqueue(code, entries, false);
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
          await this.inner.append(head.code, head.entries);
        } catch (error) {
          // A batch tried before may have been written with its reply lost: then it is kept.
          const kept = head.tried && error instanceof StoreError && error.code === 'bad-seq';
          if (!kept) {
            if (error instanceof StoreError && error.code !== 'store-unavailable') {
              // Not an outage (the room is gone from the store, say): waiting will not help.
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
    });
    return this.flushing;
  }

  // Everything else goes straight to the store: these are rare, and a failure is answered.
  createRoom(meta: RoomMeta): Promise<void> {
    return this.inner.createRoom(meta);
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
    return this.inner.saveSnapshot(code, snapshot);
  }
  latestSnapshot(code: string): Promise<Snapshot | null> {
    return this.inner.latestSnapshot(code);
  }
  listSnapshots(code: string): Promise<SnapshotInfo[]> {
    return this.inner.listSnapshots(code);
  }
  deleteRoom(code: string): Promise<void> {
    this.queue.splice(0, this.queue.length, ...this.queue.filter((q) => q.code !== code));
    this.queued = this.queue.reduce((n, q) => n + q.entries.length, 0);
    this.unsaved.delete(code);
    return this.inner.deleteRoom(code);
  }
  listRooms(): Promise<string[]> {
    return this.inner.listRooms();
  }
  archive(code: string, replayId: string, ttlS: number): Promise<void> {
    return this.inner.archive(code, replayId, ttlS);
  }
  getReplay(replayId: string): Promise<Replay | null> {
    return this.inner.getReplay(replayId);
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
