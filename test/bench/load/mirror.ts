/**
 * A student's copy of its view, decoded from what the server sends: the only part of the load
 * benchmark that knows the view protocol. The bots hand it every inbound event (socket.onAny)
 * and read `view` and `clockS`; when the protocol changes, only this file changes.
 *
 * The protocol is the one the server under test speaks (GET /api/config), so the same harness
 * measures an older checkout (--server-root) and this one:
 * - 1: `view:student` carries a whole view after joining, then the top-level fields that changed,
 *   always with the room header (merged as protocol 1's `applyView` did, restated here because
 *   shared/ now holds protocol 2's). The clock is the header's `timeS` as last sent: a client of
 *   protocol 1 does not advance it.
 * - 2: the room's shared part as `view:room`, the student's own as `view:student`, both deep
 *   deltas (shared/views/mirror.ts puts them together); the client advances the clock from the
 *   last header's phase and speed (`clockAt`) until the next header corrects it.
 */
import { StudentMirror as ProtocolTwoMirror } from '../../../shared/views/mirror.ts';
import { clockAt } from '../../../shared/views/pace.ts';
import type { RoomHeader, StudentView } from '../../../shared/views/types.ts';

interface Decoder {
  apply(event: string, payload: unknown, nowMs: number): void;
  readonly view: StudentView | null;
  clockS(nowMs: number): number | null;
}

class ProtocolOne implements Decoder {
  view: StudentView | null = null;

  apply(event: string, payload: unknown): void {
    if (event !== 'view:student') return;
    const { whole, ...fields } = payload as Partial<StudentView> & { whole?: true };
    if (whole) this.view = fields as StudentView;
    else if (this.view) this.view = { ...this.view, ...fields };
  }

  clockS(): number | null {
    return this.view ? this.view.room.timeS : null;
  }
}

class ProtocolTwo implements Decoder {
  private readonly mirror = new ProtocolTwoMirror();
  private header: RoomHeader | null = null;
  private headerAtMs = 0;

  apply(event: string, payload: unknown, nowMs: number): void {
    if (!this.mirror.apply(event, payload)) return;
    const room = this.mirror.view?.room ?? null;
    if (room !== this.header) {
      this.header = room;
      this.headerAtMs = nowMs;
    }
  }

  get view(): StudentView | null {
    return this.mirror.view;
  }

  clockS(nowMs: number): number | null {
    return this.header ? clockAt(this.header, nowMs - this.headerAtMs) : null;
  }
}

export class StudentMirror {
  private readonly decoder: Decoder;

  /** `protocol`: the version the server speaks (its GET /api/config). */
  constructor(readonly protocol: number) {
    if (protocol === 1) this.decoder = new ProtocolOne();
    else if (protocol === 2) this.decoder = new ProtocolTwo();
    else throw new Error(`the load benchmark's mirror does not speak protocol ${protocol} (test/bench/load/mirror.ts)`);
  }

  /** Any inbound event with its first argument; events that are not views are ignored. */
  apply(event: string, payload: unknown): void {
    this.decoder.apply(event, payload, Date.now());
  }

  get view(): StudentView | null {
    return this.decoder.view;
  }

  /** The simulated second the student's screen shows at `nowMs` (Date.now() time), or null before the first view. */
  clockS(nowMs: number): number | null {
    return this.decoder.clockS(nowMs);
  }
}
