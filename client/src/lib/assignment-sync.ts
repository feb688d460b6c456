/**
 * Sends an attempt's accepted moves to the server, in order and in batches, as they happen. The
 * server keeps a count (`kept`); every batch says where it starts (`from`), so a retry after a
 * lost answer is harmless and a gap is answered with the server's count, from where it resends.
 */
import type { PlanAction } from '../../../shared/engine/run.ts';
import { ApiError } from './api.ts';
import { AssignmentApiError } from './assignments-api.ts';

export type SyncStatus = 'saved' | 'saving' | 'offline' | 'failed';

/** The server's batch limit. */
export const BATCH = 200;
/** Moves made close together go in one request. */
const GATHER_MS = 250;
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000] as const;

/** Refusals a retry cannot mend: the attempt is over, gone or closed. */
const FINAL = new Set(['attempt-finished', 'assignment-closed', 'assignment-not-found', 'forbidden', 'too-many-actions', 'bad-request']);

export type SendBatch = (from: number, actions: readonly PlanAction[]) => Promise<{ kept: number }>;

export class ActionSync {
  private _kept: number;
  private _status: SyncStatus = 'saved';
  private _error: ApiError | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _sending = false;
  private _failures = 0;
  private _waiters: (() => void)[] = [];
  private _disposed = false;

  constructor(
    /** The whole log so far (the game's): what is after `kept` is still to send. */
    private readonly log: () => readonly PlanAction[],
    private readonly send: SendBatch,
    kept: number,
    private readonly onStatus: (status: SyncStatus, error: ApiError | null) => void,
  ) {
    this._kept = kept;
    globalThis.addEventListener?.('online', this._onOnline);
  }

  get kept(): number {
    return this._kept;
  }

  get status(): SyncStatus {
    return this._status;
  }

  /** A new move is in the log: send it soon, with any that follow it at once. */
  changed(): void {
    if (this._disposed || this._status === 'failed') return;
    this.setStatus('saving');
    if (!this._sending && this._timer === undefined) this._timer = setTimeout(() => this.flush(), GATHER_MS);
  }

  /** Resolves once every move of the log is kept (or rejects when the server refuses them for good). */
  whenSaved(): Promise<void> {
    if (this._kept >= this.log().length) return Promise.resolve();
    if (this._status === 'failed') return Promise.reject(this._error);
    const done = new Promise<void>((resolve, reject) => {
      this._waiters.push(() => (this._status === 'failed' ? reject(this._error) : resolve()));
    });
    this.now();
    return done;
  }

  dispose(): void {
    this._disposed = true;
    clearTimeout(this._timer);
    globalThis.removeEventListener?.('online', this._onOnline);
  }

  /** Sends without waiting (a deliberate moment: the end, the network back). */
  private now(): void {
    clearTimeout(this._timer);
    this._timer = undefined;
    void this.flush();
  }

  private _onOnline = () => {
    if (this._status === 'offline') {
      this._failures = 0;
      this.now();
    }
  };

  private async flush(): Promise<void> {
    this._timer = undefined;
    if (this._sending || this._disposed || this._status === 'failed') return;
    this._sending = true;
    try {
      while (!this._disposed && this._kept < this.log().length) {
        const from = this._kept;
        const batch = this.log().slice(from, from + BATCH);
        try {
          const { kept } = await this.send(from, batch);
          this._kept = Math.min(Math.max(this._kept, kept), this.log().length);
          this._failures = 0;
        } catch (error) {
          if (error instanceof AssignmentApiError && error.code === 'bad-seq' && error.kept !== null && error.kept < from) {
            // The server has fewer than we thought: resend from its count.
            this._kept = error.kept;
            continue;
          }
          if (error instanceof ApiError && FINAL.has(error.code)) {
            this._error = error;
            this.setStatus('failed');
            return;
          }
          // The network, a restart, a rate limit: try again later, in order.
          this.setStatus('offline', error instanceof ApiError ? error : null);
          const wait = BACKOFF_MS[Math.min(this._failures++, BACKOFF_MS.length - 1)]!;
          this._timer = setTimeout(() => void this.flush(), wait);
          return;
        }
      }
      if (!this._disposed) this.setStatus('saved');
    } finally {
      this._sending = false;
      // (Read through the getter: the status may have changed while the batch was in flight.)
      if (this._kept >= this.log().length || this.status === 'failed') this.settle();
    }
  }

  private settle(): void {
    const waiters = this._waiters;
    this._waiters = [];
    for (const w of waiters) w();
  }

  private setStatus(status: SyncStatus, error: ApiError | null = this._error): void {
    if (status === this._status && status !== 'failed') return;
    this._status = status;
    this.onStatus(status, error);
  }
}
