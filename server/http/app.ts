import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { pino, type Logger } from 'pino';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';
import { readVersion } from '../version.ts';
import { placeholderPage } from './placeholder.ts';
import { apiRouter } from './api.ts';
import { assignmentsRouter } from './assignments-api.ts';
import { InMemoryAssignmentStore, type AssignmentStore } from '../assignments/store.ts';
import { PooledSimulator, type AttemptSimulator } from '../assignments/simulator.ts';
import { attemptReplay } from '../assignments/replay.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { RoomRegistry } from '../rooms/registry.ts';
import { PooledReferenceRunner } from '../references/index.ts';
import { InMemoryRoomStore, type RoomStore } from '../storage/store.ts';
import { systemClock, type Clock } from '../rooms/clock.ts';
import { attachRealtime, socketTransport, type Realtime } from '../realtime/socket-server.ts';
import { RoomRouter } from '../cluster/router.ts';
import { ClusterBus } from '../cluster/bus.ts';
import type { ClusterLink } from '../cluster/connect.ts';
import { memoryLimiters, takePoint, type LimiterFactory } from '../common/limits.ts';
import { SOCKET_LIMITS } from '../realtime/socket-server.ts';
import { BufferedStore } from '../storage/buffered-store.ts';
import { clientAddressResolver, trustFunction, type TrustProxy } from './client-address.ts';
import { buildHealth } from './health.ts';
import { securityHeaders } from './security-headers.ts';

/** Where `npm run build:client` puts the Lit clients (CC_CLIENT_DIR overrides it: parallel browser-test runs build their own). */
export const CLIENT_DIR = process.env.CC_CLIENT_DIR || fileURLToPath(new URL('../../dist/client/', import.meta.url));

/** Client-side routes: each is answered with the app's index.html. */
const SPA_ROUTES = ['/', '/host', '/join/:code', '/play/:code', '/teach/:code', '/project/:code', '/replay/:id', '/a/:id', '/assignment/:id'];

export interface AppOptions {
  readonly registry: RoomRegistry;
  readonly rooms: RoomRouter;
  readonly limiters?: LimiterFactory;
  readonly store: RoomStore;
  readonly storeName?: 'memory' | 'redis';
  readonly metrics: Metrics;
  readonly now?: () => number;
  readonly teacherPasscode?: string;
  readonly trustProxy?: TrustProxy;
  readonly clientDir?: string;
  /** Rooms all addresses together may create per minute (MAX_ROOM_CREATES_PER_MINUTE). */
  readonly maxRoomCreatesPerMinute?: number;
  readonly roomsPerAddress?: number;
  /** Self-paced assignments (server/assignments); in memory unless given. */
  readonly assignments?: AssignmentStore;
  /** Where attempts are re-simulated (off the main thread in a running server). */
  readonly attemptSimulator?: AttemptSimulator;
  readonly replayTtlDays?: number;
  readonly maxPlayers?: number;
}

/** The HTTP application: health, metrics, the REST API and the built client. */
export function createApp(options: AppOptions): express.Express {
  const { registry, metrics, now = Date.now, clientDir = CLIENT_DIR } = options;
  const startedAt = now();
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  // req.ip follows the same rule as clientAddressResolver (hops or a list; never the client's own claim).
  if (options.trustProxy) app.set('trust proxy', trustFunction(options.trustProxy));

  // Built from what the process already knows: a hung store must not make a health check wait.
  app.get('/health', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(
      buildHealth({
        version: readVersion(),
        uptimeS: Math.floor((now() - startedAt) / 1000),
        scenarios: SCENARIOS.length,
        rooms: registry.all().length,
        storeName: options.storeName ?? 'memory',
        store: options.store.status(),
        incidents: registry.storeIncidents(),
        nowMs: now(),
      }),
    );
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  // Before /api, whose last handler answers every path it does not know with a 404.
  if (options.assignments && options.attemptSimulator) {
    app.use('/api/assignments', assignmentsRouter({ store: options.assignments, simulator: options.attemptSimulator, limiters: options.limiters, teacherPasscode: options.teacherPasscode, trustProxy: options.trustProxy, now, replayTtlDays: options.replayTtlDays, maxAttempts: options.maxPlayers, createsPerAddress: options.roomsPerAddress }));
  }
  const { assignments, attemptSimulator } = options;
  app.use(
    '/api',
    apiRouter({
      registry,
      rooms: options.rooms,
      limiters: options.limiters,
      store: options.store,
      teacherPasscode: options.teacherPasscode,
      trustProxy: options.trustProxy,
      maxRoomCreatesPerMinute: options.maxRoomCreatesPerMinute,
      roomsPerAddress: options.roomsPerAddress,
      attemptReplay: assignments && attemptSimulator ? (id) => attemptReplay(assignments, id, attemptSimulator) : undefined,
    }),
  );

  // CC_CLIENT_DIR may come with or without its trailing slash.
  const index = join(clientDir, 'index.html');
  if (existsSync(index)) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h', setHeaders: (res, path) => path.endsWith('.html') && res.setHeader('Cache-Control', 'no-cache') }));
    app.get(SPA_ROUTES, (_req, res) => res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } }));
  } else {
    app.get('/', (_req, res) => res.type('html').send(placeholderPage({ version: readVersion(), scenarios: SCENARIOS.length })));
  }
  return app;
}

export interface ServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
  readonly now?: () => number;
  readonly clock?: Clock;
  readonly store?: RoomStore;
  readonly log?: Logger;
  readonly teacherPasscode?: string;
  readonly trustProxy?: TrustProxy;
  readonly clientDir?: string;
  readonly storeName?: 'memory' | 'redis';
  /** How long finished sessions stay available as replays (REPLAY_TTL_DAYS, default 30). */
  readonly replayTtlDays?: number;
  /** Live rooms this process holds at most (MAX_ROOMS, default 500). */
  readonly maxRooms?: number;
  /** Rooms all addresses together may create per minute (MAX_ROOM_CREATES_PER_MINUTE, default 120). */
  readonly maxRoomCreatesPerMinute?: number;
  /** Rooms one address may create per 10 minutes (ROOMS_PER_ADDRESS, default 30). */
  readonly roomsPerAddress?: number;
  /** Seats per room (MAX_PLAYERS, default 2,000). */
  readonly maxPlayers?: number;
  /** New seats one address may take per minute (SEATS_PER_ADDRESS_PER_MINUTE, default 120): a school behind one NAT at a keynote needs more. */
  readonly seatsPerAddressPerMinute?: number;
  /**
   * The store outlives this process (Redis): rooms are restored on start, and closing drains
   * (clients are told the server is restarting and reconnect by themselves) instead of ending them.
   */
  readonly durable?: boolean;
  /** Real seconds of "3, 2, 1" between a teacher's start and the first tick (default 3; tests may set 0). */
  readonly countdownS?: number;
  /**
   * Several processes on one Redis (REDIS_URL): this process's link to the others (leases,
   * forwarding, the socket.io adapter, shared limits). Its store must be fenced with the link's
   * leases (see main.ts). Without it, this process owns every room.
   */
  readonly cluster?: ClusterLink;
  /** Self-paced assignments (REDIS_URL: a RedisAssignmentStore); in memory unless given. Closed with the server. */
  readonly assignments?: AssignmentStore;
}

export interface RunningServer {
  readonly server: Server;
  readonly registry: RoomRegistry;
  /** The address actually bound, e.g. after asking for port 0. */
  readonly port: number;
  readonly host: string;
  /** Rooms brought back from the store at start (durable stores only). */
  readonly restored: readonly string[];
  /** Closes every room and connection, then stops listening. */
  close(): Promise<void>;
}

/** Starts the whole server (HTTP, socket.io, rooms); resolves once the port is bound. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? pino({ level: 'silent' });
  const metrics = createMetrics();
  const { cluster } = options;
  const clock = options.clock ?? systemClock;
  let realtime: Realtime | null = null;
  const io = () => realtime?.io ?? null;
  /**
   * A room this process now runs after another had it: the sockets of this process in it, and
   * (through the adapter) those of every other process, join it here again.
   */
  const announce = (code: string) => {
    metrics.cluster.takeovers.inc();
    realtime?.rejoin(code);
    realtime?.io.serverSideEmit('cc:claimed', code);
  };
  const store = options.store ?? new InMemoryRoomStore();
  // The debrief's reference policies run on worker threads: no room waits for another's.
  const references = new PooledReferenceRunner({ onError: (error) => log.error({ err: error }, 'reference pool failed') });
  const registry = new RoomRegistry({
    store,
    references,
    replayTtlDays: options.replayTtlDays,
    maxRooms: options.maxRooms,
    countdownS: options.countdownS,
    maxPlayers: options.maxPlayers,
    onArchiveError: (code, error) => log.error({ err: error, code }, 'could not keep the session as a replay'),
    clock,
    transport: socketTransport(io),
    keeper: cluster?.keeper,
    onClaimed: announce,
    onError: (error, what) => log.error({ err: error }, what),
    hooks: {
      onAction: (action, ms, rejected) => metrics.onAction(action, ms, rejected),
      onStoreIncident: (incident) =>
        incident.kind === 'recreated'
          ? log.error({ room: incident.code, fromSeq: incident.fromSeq }, 'the store had lost this room: its keys were written again from memory (its log before this is gone from the store)')
          : log.warn({ room: incident.code, err: incident.error }, 'a snapshot could not be kept'),
      onError: (code, error, what) => log.error({ err: error, room: code }, `room ${what} failed`),
    },
  });
  metrics.watchRooms(registry);
  const limiters = cluster?.limiters ?? memoryLimiters;
  // Taken at the room's owner, from the shared count: a bot farm spread over processes meets one limit.
  const newSeats = limiters('new-seats', options.seatsPerAddressPerMinute ?? SOCKET_LIMITS.newSeatsPerMinute, 60);
  let bus: ClusterBus | null = null;
  const router = new RoomRouter(registry, { admitNewSeat: async (address) => (await takePoint(newSeats, address)) === null, erase: (code) => registry.erase(code) }, clock, undefined);
  if (cluster) {
    bus = await ClusterBus.start(cluster.self, cluster.publisher, cluster.subscriber, clock, {
      onRequest: (code, epoch, op) => router.serve(code, epoch, op),
      onError: (error, what) => log.warn({ err: error }, what),
    });
    router.attach({ ownership: cluster.keeper.ownership, bus });
    cluster.keeper.listen({
      onLost: (code) => {
        log.warn({ room: code }, 'lost the lease on this room (another process runs it now): it stops here');
        metrics.cluster.lost.inc();
        registry.relinquish(code);
      },
      onRenewed: (n) => metrics.cluster.renewals.inc(n),
      onError: (error) => log.warn({ err: error }, 'could not renew room leases'),
    });
    metrics.watchCluster(registry, bus);
  }
  // Another process owns the room now (the store refused a write): it stops here at once.
  if (store instanceof BufferedStore)
    store.onFenced((code) => {
      log.warn({ room: code }, 'a write to this room was fenced (another process owns it now): it stops here');
      metrics.cluster.fenced.inc();
      registry.relinquish(code);
    });
  // A room the store lost while its writes waited in the queue writes its keys again itself.
  if (store instanceof BufferedStore) store.onRoomLost((code) => registry.get(code)?.storeLost());
  if (store instanceof BufferedStore) metrics.watchStore(store);
  const assignments = options.assignments ?? new InMemoryAssignmentStore({ now: options.now });
  const attemptSimulator = new PooledSimulator({ onError: (error) => log.error({ err: error }, 'attempt simulation pool failed') });
  const server = createServer(createApp({ ...options, registry, rooms: router, limiters, metrics, store, assignments, attemptSimulator }));
  realtime = attachRealtime(server, {
    router,
    limiters,
    log,
    clientAddress: clientAddressResolver(options.trustProxy ?? null),
    ...(cluster ? { adapter: cluster.adapter, onClaimed: (code: string) => realtime?.rejoin(code) } : {}),
  });
  // Renewing from now: a long restore must not let the first rooms' leases run out.
  cluster?.keeper.start();
  // After the socket layer: a room claimed here is announced to the processes whose sockets are in it.
  const restored = options.durable ? (await registry.restoreAll((code, error) => log.error({ err: error, code }, 'could not restore room'))).restored : [];
  if (restored.length) log.info({ rooms: restored.length }, 'restored rooms');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    registry,
    port: address.port,
    host: address.address,
    restored,
    close: async () => {
      if (options.durable) {
        // Draining: nothing ends. Rooms stop and hand everything to the store; the connections
        // are closed under the clients, which reconnect to their seats once a server is back.
        // This process's sockets only: with several processes, the others go on.
        realtime!.io.local.emit('server:notice', { kind: 'restarting', message: 'The server is restarting; you will be reconnected in a moment.' });
        await registry.suspendAll();
        router.close();
        // Everything the rooms kept is in the store before another process may take them over.
        if (store instanceof BufferedStore) await store.flush();
        await cluster?.keeper.releaseAll();
      } else {
        registry.close();
        await cluster?.keeper.releaseAll();
      }
      await bus?.close();
      await new Promise<void>((resolve) => realtime!.io.close(() => resolve()));
      await references.close();
      await attemptSimulator.close();
      await assignments.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
        // Idle keep-alive sockets would otherwise hold close() open until they time out.
        server.closeIdleConnections();
      });
    },
  };
}
