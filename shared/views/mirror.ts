/**
 * A client's copy of its student view, rebuilt from the two streams the server sends: the room's
 * shared part (`view:room`, one broadcast for the whole room: header and events) and the rest
 * (`view:student`: the student's own part and the top of the class, with the clock as `room`).
 * Used by the browser, the tests and the load benchmark alike.
 */
import { applyDelta, applyView, fromCurrentOwner, generationOf, type ViewDelta } from './patch.ts';
import type { OwnStudentView, SharedStudentView, StudentView } from './types.ts';

export class StudentMirror {
  private shared: SharedStudentView | null = null;
  private own: OwnStudentView | null = null;
  private merged: StudentView | null = null;
  /** The highest generation either part came from (several server processes: docs/SCALING.md). */
  private generation: number | undefined;

  /** A new join: both parts arrive whole again; deltas meanwhile are for another base and dropped. */
  restart(): void {
    this.shared = null;
    this.own = null;
  }

  /** Takes one message; true when the view changed. */
  apply(event: string, payload: unknown): boolean {
    // A message from a room owner that lost the room is dropped, whichever part it is for.
    if (!fromCurrentOwner(this.generation, payload)) return false;
    const g = generationOf(payload);
    if (g !== undefined && (this.generation === undefined || g > this.generation)) this.generation = g;
    if (event === 'view:room') {
      const next = applyView(this.shared, payload as ViewDelta<SharedStudentView>);
      if (next === this.shared) return false;
      this.shared = next;
    } else if (event === 'view:student') {
      // The clock rides with the student's own updates: it belongs to the room's part.
      const { room, ...rest } = (payload ?? {}) as { room?: unknown };
      if (room !== undefined && this.shared) this.shared = { ...this.shared, room: applyDelta(this.shared.room, room) as SharedStudentView['room'] };
      const next = applyView(this.own, rest as ViewDelta<OwnStudentView>);
      if (next === this.own && room === undefined) return false;
      this.own = next;
    } else return false;
    if (this.shared && this.own) this.merged = { ...this.shared, ...this.own };
    return this.shared !== null && this.own !== null;
  }

  /** The latest whole view, or the last one from before a rejoin until both parts are back. */
  get view(): StudentView | null {
    return this.merged;
  }
}
