/**
 * Who runs each room's simulation. With several server processes on one Redis, exactly one of
 * them owns a room at a time, through a lease: taken only if nobody holds it, renewed while the
 * owner lives, released when it drains, and expiring when it dies so another can take over.
 *
 * Every lease carries an epoch that grows with each new owner and never comes back; the store
 * checks it in the same step as each write (fencing), so an owner that lost its lease (a long GC
 * pause, a partition) cannot write to a room someone else now runs. docs/SCALING.md has the model.
 */

/** A room's lease as its holder knows it. */
export interface Lease {
  readonly code: string;
  /** The process holding it (its own id, unique per process start). */
  readonly owner: string;
  /** Grows by one with every new owner of the room; never reused. */
  readonly epoch: number;
}

export interface RoomOwnership {
  /** This process's id, as leases name it. */
  readonly self: string;
  /** Takes the room if nobody holds it (or the holder's lease ran out): the new lease, or null. */
  acquire(code: string): Promise<Lease | null>;
  /**
   * Extends a lease this process holds; false when it is gone (taken by another, or released). A
   * lease that ran out with nobody taking the room since is taken back, with the same epoch.
   */
  renew(lease: Lease): Promise<boolean>;
  /** Gives the room up (draining); a lease this process no longer holds is left alone. */
  release(lease: Lease): Promise<void>;
  /** Of these rooms, the ones nobody holds now. */
  free(codes: readonly string[]): Promise<string[]>;
  /** Who holds the room now, or null when nobody does. */
  holder(code: string): Promise<{ readonly owner: string; readonly epoch: number } | null>;
}

/** How long a lease lasts unless renewed, and how often its holder renews it. */
export const LEASE_TIMING = {
  ttlMs: 5_000,
  renewEveryMs: 1_500,
} as const;
