import type { StoreStatus } from '../storage/store.ts';
import type { BufferedStoreStatus } from '../storage/buffered-store.ts';
import type { JournalIncident } from '../rooms/journal.ts';

/** A room the store lost counts against health for this long after its keys were written again. */
export const INCIDENT_WINDOW_MS = 15 * 60_000;

/** What /health is built from: all of it already in memory, so building it never waits. */
export interface HealthInput {
  readonly version: string;
  readonly uptimeS: number;
  readonly scenarios: number;
  readonly rooms: number;
  readonly storeName: 'memory' | 'redis';
  /** The store's status(); a BufferedStore's carries its queue too. */
  readonly store: StoreStatus & Partial<Pick<BufferedStoreStatus, 'queued' | 'dropped' | 'unsavedRooms'>>;
  /** What went wrong keeping rooms lately (the registry's storeIncidents()). */
  readonly incidents?: readonly JournalIncident[];
  readonly nowMs?: number;
}

export interface Health {
  /** Degraded, not down: rooms play on from memory while the store is away (see BufferedStore). */
  readonly status: 'ok' | 'degraded';
  /** Why it is degraded, one sentence each; empty when ok. */
  readonly reasons: string[];
  readonly version: string;
  readonly uptimeS: number;
  readonly scenarios: number;
  readonly rooms: number;
  readonly store: 'memory' | 'redis';
  readonly storeStatus: StoreStatus;
  readonly queued?: number;
  readonly dropped?: number;
  readonly unsavedRooms?: number;
  /** Rooms the store lost lately, whose keys were written again from memory. */
  readonly recreatedRooms?: readonly { code: string; at: string; fromSeq: number }[];
}

/**
 * The /health answer, synchronously: no I/O here, so a hung store cannot make a health check
 * (or the load balancer behind it) wait. A new concern is one more reason and field below.
 */
export function buildHealth(input: HealthInput): Health {
  const { store } = input;
  const reasons: string[] = [];
  if (!store.reachable) reasons.push(`The store is unreachable: ${store.detail ?? 'no answer'}.`);
  if (store.queued) reasons.push(`${store.queued} log entries are waiting to be written to the store.`);
  if (store.unsavedRooms) reasons.push(`${store.unsavedRooms} room(s) are no longer saved: the write queue filled.`);
  const since = (input.nowMs ?? Date.now()) - INCIDENT_WINDOW_MS;
  const recreated = (input.incidents ?? []).filter((i): i is Extract<JournalIncident, { kind: 'recreated' }> => i.kind === 'recreated' && i.atMs >= since);
  if (recreated.length) {
    reasons.push(
      `The store lost ${recreated.length === 1 ? 'a room' : `${recreated.length} rooms`} (${[...new Set(recreated.map((i) => i.code))].join(', ')}): written again from memory, the log before then is gone from the store.`,
    );
  }
  const storeStatus: StoreStatus = { reachable: store.reachable, checkedAtMs: store.checkedAtMs, ...(store.detail !== undefined ? { detail: store.detail } : {}) };
  return {
    status: reasons.length ? 'degraded' : 'ok',
    reasons,
    version: input.version,
    uptimeS: input.uptimeS,
    scenarios: input.scenarios,
    rooms: input.rooms,
    store: input.storeName,
    storeStatus,
    ...(store.queued !== undefined ? { queued: store.queued, dropped: store.dropped ?? 0, unsavedRooms: store.unsavedRooms ?? 0 } : {}),
    ...(recreated.length ? { recreatedRooms: recreated.map((i) => ({ code: i.code, at: new Date(i.atMs).toISOString(), fromSeq: i.fromSeq })) } : {}),
  };
}
