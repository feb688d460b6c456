import type { Clock, TimerHandle } from '../rooms/clock.ts';
import { LEASE_TIMING, type Lease, type RoomOwnership } from './ownership.ts';

interface Kept {
  readonly lease: Lease;
  /** Until when this process may act on the room by its own clock: the last renewal's start plus the lease's life. */
  validUntilMs: number;
}

export interface KeeperHooks {
  /** A lease is gone (another process holds the room now): the room must stop here at once. */
  onLost?(code: string): void;
  onRenewed?(count: number): void;
  /** Renewing failed for a reason other than losing the lease (Redis unreachable). */
  onError?(error: unknown): void;
}

/**
 * The leases this process holds, kept alive. A room may run here only while its lease is valid
 * by this process's own clock (renewed within its life), so an owner that was paused past it
 * (a long GC, SIGSTOP) stands still until it renews, or gives the room up when it cannot; the
 * store's fencing catches what slips through. While Redis itself is unreachable nobody can take
 * a room over, so rooms whose renewal just failed that way play on (the store queues their writes).
 */
export class LeaseKeeper {
  private readonly kept = new Map<string, Kept>();
  private timer: TimerHandle | null = null;
  private renewing = false;
  /** The last renewal round, and whether Redis failed to answer it. */
  private lastRoundMs = -Infinity;
  private lastRoundUnreachable = false;

  private hooks: KeeperHooks;

  constructor(
    readonly ownership: RoomOwnership,
    private readonly clock: Clock,
    hooks: KeeperHooks = {},
    private readonly timing: { ttlMs: number; renewEveryMs: number } = LEASE_TIMING,
  ) {
    this.hooks = hooks;
  }

  /** Adds listeners (the registry that must drop a lost room is made after the keeper). */
  listen(hooks: KeeperHooks): void {
    const before = this.hooks;
    this.hooks = {
      onLost: (code) => (before.onLost?.(code), hooks.onLost?.(code)),
      onRenewed: (n) => (before.onRenewed?.(n), hooks.onRenewed?.(n)),
      onError: (error) => (before.onError?.(error), hooks.onError?.(error)),
    };
  }

  get self(): string {
    return this.ownership.self;
  }

  /** Renews every lease on a timer until stop(). */
  start(): void {
    this.timer ??= this.clock.setInterval(() => void this.renewAll(), this.timing.renewEveryMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.timer) this.clock.clear(this.timer);
    this.timer = null;
  }

  /** Takes the room if it is free; the lease is then kept until released or lost. */
  async acquire(code: string): Promise<Lease | null> {
    const startedMs = this.clock.now();
    const lease = await this.ownership.acquire(code);
    if (lease) this.kept.set(code, { lease, validUntilMs: startedMs + this.timing.ttlMs });
    return lease;
  }

  has(code: string): boolean {
    return this.kept.has(code);
  }

  codes(): string[] {
    return [...this.kept.keys()];
  }

  /** The epoch of this process's lease on the room (what its writes are fenced with), or null. */
  epochOf(code: string): number | null {
    return this.kept.get(code)?.lease.epoch ?? null;
  }

  /** Whether this process may act on the room now (see the class comment). */
  valid(code: string): boolean {
    const kept = this.kept.get(code);
    if (!kept) return false;
    const now = this.clock.now();
    if (now < kept.validUntilMs) return true;
    return this.lastRoundUnreachable && now - this.lastRoundMs < 2 * this.timing.renewEveryMs;
  }

  /** Stops keeping a lease without releasing it (it was lost, or the room is gone). */
  forget(code: string): void {
    this.kept.delete(code);
  }

  /** Gives a room up (draining, or the room closed): another process may take it at once. */
  async release(code: string): Promise<void> {
    const kept = this.kept.get(code);
    if (!kept) return;
    this.kept.delete(code);
    await this.ownership.release(kept.lease);
  }

  async releaseAll(): Promise<void> {
    this.stop();
    await Promise.all(this.codes().map((code) => this.release(code).catch((error: unknown) => this.hooks.onError?.(error))));
  }

  /** A hung Redis must not hold the renewals: no answer within `ms` counts as unreachable. */
  private within<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: TimerHandle | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    });
    return Promise.race([promise, late]).finally(() => timer !== undefined && this.clock.clear(timer));
  }

  /** One renewal round: a lease another process now holds is lost at once. */
  async renewAll(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    const startedMs = this.clock.now();
    let unreachable = false;
    let renewed = 0;
    try {
      await Promise.all(
        [...this.kept.values()].map(async (kept) => {
          try {
            const ok = await this.within(this.ownership.renew(kept.lease), this.timing.renewEveryMs);
            // Released or lost meanwhile: nothing to do.
            if (this.kept.get(kept.lease.code) !== kept) return;
            if (ok) {
              kept.validUntilMs = startedMs + this.timing.ttlMs;
              renewed++;
            } else {
              this.kept.delete(kept.lease.code);
              this.hooks.onLost?.(kept.lease.code);
            }
          } catch (error) {
            unreachable = true;
            this.hooks.onError?.(error);
          }
        }),
      );
    } finally {
      this.lastRoundMs = startedMs;
      this.lastRoundUnreachable = unreachable;
      this.renewing = false;
    }
    if (renewed) this.hooks.onRenewed?.(renewed);
  }
}
