import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Action } from '../shared/engine/types.ts';
import { TEACHER_ACTION_TYPES } from '../shared/engine/types.ts';
import type { RoomRegistry } from './rooms/registry.ts';
import type { BufferedStore } from './storage/buffered-store.ts';
import type { ClusterBus } from './cluster/bus.ts';

/** Prometheus metrics for one server process, on a registry of its own. */
export function createMetrics() {
  const registry = new Registry();
  // Default metrics include nodejs_eventloop_lag_seconds (and its percentiles).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const actions = new Counter({ name: 'clusterclass_actions_total', help: 'Actions applied to simulations, by kind', labelNames: ['kind', 'outcome'] as const, registers: [registry] });
  const tickSeconds = new Histogram({
    name: 'clusterclass_tick_duration_seconds',
    help: 'Time to apply one simulated second to a room',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [registry],
  });
  const recent: number[] = [];
  const actionsPerSecond = new Gauge({
    name: 'clusterclass_actions_per_second',
    help: 'Player and teacher actions per second over the last 10 s (ticks excluded)',
    registers: [registry],
    collect() {
      const cutoff = Date.now() - 10_000;
      while (recent.length && recent[0]! < cutoff) recent.shift();
      this.set(recent.length / 10);
    },
  });
  void actionsPerSecond;
  // Several processes (docs/SCALING.md): what this one does to keep its rooms and reach the others'.
  const cluster = {
    renewals: new Counter({ name: 'clusterclass_lease_renewals_total', help: 'Room leases renewed by this process', registers: [registry] }),
    takeovers: new Counter({ name: 'clusterclass_takeovers_total', help: 'Rooms this process claimed and restored after another process had them (or at its start)', registers: [registry] }),
    lost: new Counter({ name: 'clusterclass_leases_lost_total', help: 'Room leases this process found taken by another process, and gave the room up', registers: [registry] }),
    fenced: new Counter({ name: 'clusterclass_fenced_writes_total', help: 'Writes the store refused because another process owns the room now', registers: [registry] }),
  };
  return {
    registry,
    cluster,
    /** Gauges of the rooms this process owns and the requests it forwarded to other processes. */
    watchCluster(rooms: RoomRegistry, bus: ClusterBus) {
      new Gauge({ name: 'clusterclass_rooms_owned', help: 'Rooms whose lease this process holds (it runs their simulation)', registers: [registry], collect() {
        this.set(rooms.all().length);
      } });
      new Counter({ name: 'clusterclass_forwarded_messages_total', help: 'Requests this process forwarded to the owner of a room', registers: [registry], collect() {
        this.reset();
        this.inc(bus.forwarded);
      } });
    },
    onAction(action: Action, ms: number, rejected: boolean) {
      const kind = action.type === 'tick' ? 'tick' : (TEACHER_ACTION_TYPES as readonly string[]).includes(action.type) ? 'teacher' : action.type === 'addCluster' ? 'join' : 'player';
      actions.inc({ kind, outcome: rejected ? 'rejected' : 'accepted' });
      if (kind === 'tick') tickSeconds.observe(ms / 1000);
      else if (recent.length < 100_000) recent.push(Date.now());
    },
    /** The durable store's write queue: what waits while it is away, and what could not be kept. */
    watchStore(store: BufferedStore) {
      new Gauge({ name: 'clusterclass_store_queued_entries', help: 'Log entries waiting for the store to come back', registers: [registry], collect() {
        this.set(store.status().queued);
      } });
      new Gauge({ name: 'clusterclass_store_degraded', help: '1 while the store is unreachable and writes are queued', registers: [registry], collect() {
        this.set(store.status().degraded ? 1 : 0);
      } });
      new Gauge({ name: 'clusterclass_store_dropped_entries', help: 'Log entries dropped because the queue was full (their rooms are no longer saved)', registers: [registry], collect() {
        this.set(store.status().dropped);
      } });
    },
    /** Gauges read from the rooms each time /metrics is scraped. */
    watchRooms(rooms: RoomRegistry) {
      new Gauge({ name: 'clusterclass_rooms', help: 'Live rooms, by phase', labelNames: ['phase'] as const, registers: [registry], collect() {
        this.reset();
        for (const room of rooms.all()) this.inc({ phase: room.phase });
      } });
      new Gauge({ name: 'clusterclass_connections', help: 'Connected clients, by role', labelNames: ['role'] as const, registers: [registry], collect() {
        const totals = { student: 0, teacher: 0, projector: 0 };
        for (const room of rooms.all()) for (const [role, n] of Object.entries(room.connectionCounts())) totals[role as keyof typeof totals] += n;
        for (const [role, n] of Object.entries(totals)) this.set({ role }, n);
      } });
      new Gauge({ name: 'clusterclass_players', help: 'Players seated in live rooms (connected or not)', registers: [registry], collect() {
        this.set(rooms.all().reduce((n, r) => n + r.playerCount, 0));
      } });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
