import type { PlayerActionInput, ProtocolError } from '../../../shared/protocol/index.ts';

/** A move made while the seat was not there (offline, reconnecting), waiting to be sent. */
export interface QueuedMove {
  readonly action: PlayerActionInput;
  /** Runs once the move is sent: with the server's refusal, or null once applied. */
  readonly settle: (refusal: ProtocolError | null) => void;
}

/** How many moves wait at most, and for how long: past either the student is told to try again. */
export const MOVE_QUEUE = { limit: 5, maxWaitMs: 30_000 } as const;

/**
 * Moves made while reconnecting, in the order they were made. Bounded, so a phone left offline
 * does not pile up a plan it no longer remembers; each move expires on its own timer, and the
 * owner is told which ones did (the page says so plainly).
 */
export class MoveQueue {
  private moves: { move: QueuedMove; timer: ReturnType<typeof setTimeout> }[] = [];

  constructor(private readonly onExpired: (moves: QueuedMove[]) => void) {}

  get size(): number {
    return this.moves.length;
  }

  /** The waiting moves, oldest first (to show the student what will be sent). */
  actions(): PlayerActionInput[] {
    return this.moves.map((m) => m.move.action);
  }

  /** Queues a move; false when the queue is full (the caller refuses it plainly). */
  add(move: QueuedMove): boolean {
    if (this.moves.length >= MOVE_QUEUE.limit) return false;
    const entry = {
      move,
      timer: setTimeout(() => {
        this.moves = this.moves.filter((m) => m !== entry);
        this.onExpired([move]);
      }, MOVE_QUEUE.maxWaitMs),
    };
    this.moves.push(entry);
    return true;
  }

  /** Takes the oldest waiting move, to send it now. */
  shift(): QueuedMove | undefined {
    const entry = this.moves.shift();
    if (entry) clearTimeout(entry.timer);
    return entry?.move;
  }

  /** Puts a move back in front: the seat went again before it could be sent. */
  unshift(move: QueuedMove): void {
    if (!this.add(move)) return this.onExpired([move]);
    this.moves.unshift(this.moves.pop()!);
  }

  /** Takes every waiting move, oldest first, to send now. */
  takeAll(): QueuedMove[] {
    const moves = this.moves;
    this.moves = [];
    for (const m of moves) clearTimeout(m.timer);
    return moves.map((m) => m.move);
  }
}
