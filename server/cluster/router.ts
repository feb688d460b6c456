import type { Clock } from '../rooms/clock.ts';
import type { Room } from '../rooms/room.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { RoomOwnership } from '../ownership/ownership.ts';
import type { BusOutcome, ClusterBus } from './bus.ts';
import { RETRY_SAFE, type OpDeps, type RoomOp } from './room-ops.ts';
import { runOp } from './room-ops.ts';

/** What a routed op came to: the room's answer, or no such room anywhere. */
export type Routed = { readonly found: true; readonly value: unknown } | { readonly found: false };

/** Why a routed op got no answer from any owner: the client may try again. */
export class RouteError extends Error {
  constructor(
    readonly code: 'unavailable' | 'room-moved',
    message: string,
  ) {
    super(message);
  }
}

export const ROUTE_TIMING = {
  /** How long an op may look for its room's owner, across takeovers (a client's ack timeout is 10 s). */
  totalMs: 9_000,
  /** Between two looks while a room has no owner that answers (its lease has not run out yet). */
  retryMs: 200,
} as const;

export interface ClusterParts {
  readonly ownership: RoomOwnership;
  readonly bus: ClusterBus;
}

/**
 * Every op on a room goes through here: run on the room when this process owns it, else sent to
 * the process that does (the owner's answer comes back), else, when nobody holds it (its owner
 * died or drained), claimed and restored here first. One process without Redis owns every room.
 */
export class RoomRouter {
  constructor(
    private readonly registry: RoomRegistry,
    private readonly deps: OpDeps,
    private readonly clock: Pick<Clock, 'now' | 'setTimeout'>,
    private cluster?: ClusterParts,
  ) {}

  private closed = false;

  /** Draining: an op still looking for its room stops now (the client reconnects elsewhere). */
  close(): void {
    this.closed = true;
  }

  /** Joins the cluster (the bus that answers requests needs this router first). */
  attach(cluster: ClusterParts): void {
    this.cluster = cluster;
  }

  async run(given: string, op: RoomOp): Promise<Routed> {
    const code = given.toUpperCase();
    // An untrusted code goes into Redis keys only when it could be one.
    if (!/^[A-Z0-9]{1,16}$/.test(code)) return { found: false };
    const live = this.registry.get(code);
    if (live) return this.here(live, op);
    if (!this.cluster) return { found: false };
    const { ownership, bus } = this.cluster;
    const deadline = this.clock.now() + ROUTE_TIMING.totalMs;
    while (this.clock.now() < deadline && !this.closed) {
      const holder = await ownership.holder(code).catch((error: unknown) => {
        throw new RouteError('unavailable', `The server cannot reach the others just now (${error instanceof Error ? error.message : String(error)}); try again in a moment.`);
      });
      if (holder === null || holder.owner === ownership.self) {
        // Nobody runs it (or it is being restored here): claim it, if it is kept at all.
        const room = await this.registry.ensure(code);
        if (room) return this.here(room, op);
        if (holder === null && !(await this.registry.known(code))) return { found: false };
      } else {
        const outcome: BusOutcome = await bus.request(holder.owner, code, holder.epoch, op, async () => {
          const now = await ownership.holder(code);
          return now !== null && now.owner === holder.owner && now.epoch === holder.epoch;
        });
        if (outcome.kind === 'done') return { found: true, value: outcome.value };
        if (outcome.kind === 'failed') throw new Error(`room ${code}, on its owner: ${outcome.message}`);
        // The owner is there but swamped: asking again would only add to its queue.
        if (outcome.kind === 'late') throw new RouteError('unavailable', 'The server is very busy and did not answer in time; check your board before you try again.');
        // The owner went away with the op unanswered: it may have applied it before it died. One
        // that never reached it ('undelivered') waits for the room's next owner, as 'moved' does.
        if (outcome.kind === 'lost' && !RETRY_SAFE.has(op.kind)) {
          throw new RouteError('room-moved', 'Your session moved to another server just now; check your board and try that again.');
        }
      }
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, ROUTE_TIMING.retryMs));
    }
    throw new RouteError('unavailable', this.closed ? 'This server is restarting; you will be reconnected in a moment.' : 'The session is moving to another server; try again in a moment.');
  }

  /** A request from another process for a room it believes is here, under this lease's epoch. */
  async serve(code: string, epoch: number, op: RoomOp): Promise<{ kind: 'done'; value: unknown } | { kind: 'moved' }> {
    const room = this.registry.get(code) ?? (await this.registry.restoring(code));
    if (!room || this.registry.epochOf(code) !== epoch) return { kind: 'moved' };
    return { kind: 'done', value: await runOp(room, op, this.deps) };
  }

  private async here(room: Room, op: RoomOp): Promise<Routed> {
    return { found: true, value: await runOp(room, op, this.deps) };
  }
}
