import type { Clock } from '../rooms/clock.ts';
import { LEASE_TIMING, type Lease, type RoomOwnership } from './ownership.ts';

interface Held {
  readonly owner: string;
  readonly epoch: number;
  expiresAtMs: number;
}

/**
 * Ownership within one process (no Redis): the default, where this process owns every room. It
 * keeps the same rules as the Redis one (leases expire, epochs grow), so one contract test suite
 * holds both; several instances sharing one `LocalLeases` stand for several processes in tests.
 */
export class LocalLeases {
  readonly held = new Map<string, Held>();
  readonly epochs = new Map<string, number>();
}

export class LocalOwnership implements RoomOwnership {
  constructor(
    readonly self: string,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly leases = new LocalLeases(),
    private readonly ttlMs: number = LEASE_TIMING.ttlMs,
  ) {}

  private live(code: string): Held | undefined {
    const held = this.leases.held.get(code);
    if (held && held.expiresAtMs <= this.clock.now()) {
      this.leases.held.delete(code);
      return undefined;
    }
    return held;
  }

  async acquire(code: string): Promise<Lease | null> {
    if (this.live(code)) return null;
    const epoch = (this.leases.epochs.get(code) ?? 0) + 1;
    this.leases.epochs.set(code, epoch);
    this.leases.held.set(code, { owner: this.self, epoch, expiresAtMs: this.clock.now() + this.ttlMs });
    return { code, owner: this.self, epoch };
  }

  async renew(lease: Lease): Promise<boolean> {
    const held = this.live(lease.code);
    if (!held && this.leases.epochs.get(lease.code) === lease.epoch) {
      this.leases.held.set(lease.code, { owner: lease.owner, epoch: lease.epoch, expiresAtMs: this.clock.now() + this.ttlMs });
      return true;
    }
    if (!held || held.owner !== lease.owner || held.epoch !== lease.epoch) return false;
    held.expiresAtMs = this.clock.now() + this.ttlMs;
    return true;
  }

  async release(lease: Lease): Promise<void> {
    const held = this.live(lease.code);
    if (held && held.owner === lease.owner && held.epoch === lease.epoch) this.leases.held.delete(lease.code);
  }

  async free(codes: readonly string[]): Promise<string[]> {
    return codes.filter((code) => !this.live(code));
  }

  async holder(code: string): Promise<{ owner: string; epoch: number } | null> {
    const held = this.live(code);
    return held ? { owner: held.owner, epoch: held.epoch } : null;
  }
}
