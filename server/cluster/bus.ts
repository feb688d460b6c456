import { nanoid } from 'nanoid';
import type { Clock, TimerHandle } from '../rooms/clock.ts';
import type { RoomOp } from './room-ops.ts';

/** What the bus needs of node-redis clients: one to publish, one in subscriber mode. */
export interface BusPublisher {
  publish(channel: string, message: string): Promise<unknown>;
}
export interface BusSubscriber {
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
}

/** A request to a room's owner, and its answer. */
interface Request {
  readonly t: 'req';
  readonly id: string;
  readonly from: string;
  readonly code: string;
  /** The lease the sender believes the owner holds: an owner that no longer holds it says so. */
  readonly epoch: number;
  readonly op: RoomOp;
}
interface Response {
  readonly t: 'res';
  readonly id: string;
  /** 'moved': the receiver does not own the room (any more, or not yet): ask again where it is. */
  readonly outcome: { readonly kind: 'done'; readonly value: unknown } | { readonly kind: 'moved' } | { readonly kind: 'failed'; readonly message: string };
}

/**
 * How the bus answered a request. 'undelivered': nobody listens on the owner's channel (its
 * process is gone), so the op did not reach it and may be sent again; 'lost': it went out and no
 * answer came (the owner may have run it); 'late': the owner still holds the room but did not
 * answer within BUS_TIMING.replyMs (it is overloaded; it may still run it).
 */
export type BusOutcome = Response['outcome'] | { readonly kind: 'lost' } | { readonly kind: 'undelivered' } | { readonly kind: 'late' };

export const BUS_TIMING = {
  /** How long a request waits for its answer at most (a client's own ack timeout is 10 s). */
  replyMs: 8_000,
  /** While waiting, how often the sender checks that the owner still holds the room. */
  checkEveryMs: 1_000,
} as const;

export interface BusHooks {
  /** A request for a room, from another process: answer it (run it, or say the room is not here). */
  onRequest(code: string, epoch: number, op: RoomOp): Promise<Response['outcome']>;
  onError?(error: unknown, what: string): void;
}

/**
 * Requests between server processes over Redis pub/sub: each process listens on a channel of its
 * own (cc:proc:ID) for requests and for the answers to its own. Messages from one process to
 * another arrive in the order they were published, so the actions a process forwards for a room
 * are applied by its owner in the order they came in.
 */
export class ClusterBus {
  private readonly waiting = new Map<string, (outcome: BusOutcome) => void>();
  private closed = false;
  forwarded = 0;

  private constructor(
    readonly self: string,
    private readonly pub: BusPublisher,
    private readonly sub: BusSubscriber,
    private readonly clock: Clock,
    private readonly hooks: BusHooks,
    private readonly prefix: string,
  ) {}

  static async start(self: string, pub: BusPublisher, sub: BusSubscriber, clock: Clock, hooks: BusHooks, prefix = 'cc:'): Promise<ClusterBus> {
    const bus = new ClusterBus(self, pub, sub, clock, hooks, prefix);
    await sub.subscribe(bus.channel(self), (message) => bus.receive(message));
    return bus;
  }

  private channel(process: string): string {
    return `${this.prefix}proc:${process}`;
  }

  /**
   * Sends an op to the process holding the room's lease and resolves with its answer; 'lost'
   * when `stillThere` said the owner had gone meanwhile, 'late' when no answer came in time.
   */
  request(owner: string, code: string, epoch: number, op: RoomOp, stillThere: () => Promise<boolean>): Promise<BusOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'lost' });
    const id = nanoid(12);
    this.forwarded++;
    return new Promise<BusOutcome>((resolve) => {
      let checker: TimerHandle | null = null;
      let timer: TimerHandle | null = null;
      const done = (outcome: BusOutcome) => {
        if (!this.waiting.delete(id)) return;
        if (checker) this.clock.clear(checker);
        if (timer) this.clock.clear(timer);
        resolve(outcome);
      };
      this.waiting.set(id, done);
      timer = this.clock.setTimeout(() => done({ kind: 'late' }), BUS_TIMING.replyMs);
      checker = this.clock.setInterval(() => {
        stillThere().then(
          (there) => there || done({ kind: 'lost' }),
          () => undefined,
        );
      }, BUS_TIMING.checkEveryMs);
      const request: Request = { t: 'req', id, from: this.self, code, epoch, op };
      this.pub.publish(this.channel(owner), JSON.stringify(request)).then(
        // PUBLISH answers how many subscribers got it: none means the owner's process is gone.
        (receivers) => receivers === 0 && done({ kind: 'undelivered' }),
        (error: unknown) => {
          this.hooks.onError?.(error, 'forwarding a request');
          done({ kind: 'undelivered' });
        },
      );
    });
  }

  private receive(message: string): void {
    let parsed: Request | Response;
    try {
      parsed = JSON.parse(message) as Request | Response;
    } catch (error) {
      this.hooks.onError?.(error, 'reading a bus message');
      return;
    }
    if (parsed.t === 'res') {
      this.waiting.get(parsed.id)?.(parsed.outcome);
      return;
    }
    if (parsed.t !== 'req') return;
    const { id, from, code, epoch, op } = parsed;
    // Called now, in arrival order: the owner's room queues what it is asked in that order.
    this.hooks.onRequest(code, epoch, op).then(
      (outcome) => this.answer(from, { t: 'res', id, outcome }),
      (error: unknown) => this.answer(from, { t: 'res', id, outcome: { kind: 'failed', message: error instanceof Error ? error.message : String(error) } }),
    );
  }

  private answer(to: string, response: Response): void {
    if (this.closed) return;
    this.pub.publish(this.channel(to), JSON.stringify(response)).catch((error: unknown) => this.hooks.onError?.(error, 'answering a request'));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const done of [...this.waiting.values()]) done({ kind: 'lost' });
    await this.sub.unsubscribe(this.channel(this.self)).catch(() => undefined);
  }
}
