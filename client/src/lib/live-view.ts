import { applyView } from '../../../shared/views/index.ts';
import type { RoomHeader, ViewPatch } from '../../../shared/views/types.ts';

/**
 * The latest view of one kind, rebuilt from the server's patches. After a (re)join the server
 * sends a whole view first; until it arrives the previous view stays on screen, so a reconnect
 * does not blank the page.
 */
export class LiveView<V extends { room: RoomHeader }> {
  value: V | null = null;
  private fresh = true;

  /** A new join: wait for a whole view before merging patches again. */
  restart(): void {
    this.fresh = true;
  }

  apply(patch: ViewPatch<V>): V | null {
    if (this.fresh) {
      const whole = applyView<V>(null, patch);
      if (!whole) return this.value;
      this.fresh = false;
      this.value = whole;
      return whole;
    }
    this.value = applyView(this.value, patch);
    return this.value;
  }
}
