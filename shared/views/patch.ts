/**
 * The view patch format, both halves: the server's encoder (what changed since the last view a
 * connection got) and the clients' decoder (`applyView`). The first view after joining is whole;
 * later ones carry only the top-level fields that changed, and always the room header.
 */
import type { RoomHeader, ViewPatch } from './types.ts';

/** What an encoder remembers of one connection: each field of the last view sent, as JSON. */
export type SentFields = Map<string, string>;

/**
 * The patch that brings a client holding `sent` up to `view`, or null when nothing but the
 * header's sequence number would change. Updates `sent` to match what the patch carries.
 */
export function encodeView<V extends { room: RoomHeader }>(sent: SentFields, view: V, seq: number): ViewPatch<V> | null {
  const first = sent.size === 0;
  const patch: Record<string, unknown> = {};
  let changed = false;
  for (const [key, value] of Object.entries(view)) {
    // The header's seq moves with every view; comparing it would make every view a change.
    const json = JSON.stringify(key === 'room' ? { ...(value as RoomHeader), seq: 0 } : value);
    if (sent.get(key) === json) continue;
    sent.set(key, json);
    patch[key] = value;
    changed = true;
  }
  if (!changed) return null;
  patch.room = { ...view.room, seq };
  if (first) patch.whole = true;
  return patch as ViewPatch<V>;
}

/** Merges a view update into the last whole view; null until a whole view has arrived. */
export function applyView<V extends { room: RoomHeader }>(previous: V | null, patch: ViewPatch<V>): V | null {
  const { whole, ...fields } = patch;
  if (whole) return fields as unknown as V;
  return previous === null ? null : ({ ...previous, ...fields } as V);
}
