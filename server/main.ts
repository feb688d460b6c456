import { networkInterfaces } from 'node:os';
import { pino } from 'pino';
import { startServer } from './http/app.ts';
import { RedisRoomStore } from './storage/redis-store.ts';
import { BufferedStore } from './storage/buffered-store.ts';
import { RedisAssignmentStore } from './assignments/redis-store.ts';
import { systemClock } from './rooms/clock.ts';
import { ensureClientBuilt } from './build-client.ts';
import { readVersion } from './version.ts';
import { guardProcess } from './process/guards.ts';
import { parseTrustProxy, type TrustProxy } from './http/client-address.ts';
import { ADAPTERS, connectCluster } from './cluster/connect.ts';

const log = pino({ name: 'clusterclass', level: process.env.LOG_LEVEL ?? 'info' });
guardProcess(process, log);

function parsePort(text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    console.error(`clusterclass: PORT must be a whole number from 0 to 65535, not "${text}"`);
    process.exit(2);
  }
  return port;
}

/** What a person can type into a browser: a wildcard address is reachable on every interface. */
function urlsFor(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host.includes(':') ? `[${host}]` : host}:${port}/`];
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => `http://${a!.address}:${port}/`);
  return [`http://localhost:${port}/`, ...lan];
}

const port = parsePort(process.env.PORT ?? '3000');
const replayTtlDays = process.env.REPLAY_TTL_DAYS ? Number(process.env.REPLAY_TTL_DAYS) : undefined;
if (replayTtlDays !== undefined && !(replayTtlDays > 0)) {
  console.error(`clusterclass: REPLAY_TTL_DAYS must be a positive number of days, not "${process.env.REPLAY_TTL_DAYS}"`);
  process.exit(2);
}
/** A setting that must be a whole number of at least 1, or unset for its default. */
function positiveInteger(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    console.error(`clusterclass: ${name} must be a whole number of at least 1, not "${text}"`);
    process.exit(2);
  }
  return Number(text);
}
const maxRooms = positiveInteger('MAX_ROOMS');
const maxRoomCreatesPerMinute = positiveInteger('MAX_ROOM_CREATES_PER_MINUTE');
const roomsPerAddress = positiveInteger('ROOMS_PER_ADDRESS');
const maxPlayers = positiveInteger('MAX_PLAYERS');
const seatsPerAddressPerMinute = positiveInteger('SEATS_PER_ADDRESS_PER_MINUTE');
let trustProxy: TrustProxy;
try {
  trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
} catch (error) {
  console.error(`clusterclass: ${(error as Error).message}`);
  process.exit(2);
}
// 0.0.0.0 by default: students join from their own devices over the classroom network.
const host = process.env.HOST ?? '0.0.0.0';
if (process.env.SKIP_CLIENT_BUILD !== '1') {
  const built = ensureClientBuilt((line) => console.log(line));
  if (built === 'failed') log.warn('the browser client did not build; serving the API only');
}
// With REDIS_URL, sessions survive restarts: rooms are restored on start and drained on SIGTERM.
// Several processes may share it: each room runs in the one holding its lease (docs/SCALING.md).
const redisUrl = process.env.REDIS_URL || undefined;
const adapter = (process.env.REDIS_ADAPTER || 'sharded') as (typeof ADAPTERS)[number];
if (!ADAPTERS.includes(adapter)) {
  console.error(`clusterclass: REDIS_ADAPTER must be one of ${ADAPTERS.join(', ')}, not "${process.env.REDIS_ADAPTER}"`);
  process.exit(2);
}
const cluster = redisUrl
  ? await connectCluster({ url: redisUrl, clock: systemClock, adapter, onError: (error) => log.warn({ err: error }, 'redis connection problem (cluster link)') }).catch((error: unknown) => {
      log.fatal({ err: error }, 'cannot reach Redis at REDIS_URL');
      process.exit(1);
    })
  : undefined;
const store = redisUrl
  ? new BufferedStore(
      // Every write carries this process's lease epoch on its room, checked by Redis as it writes.
      await RedisRoomStore.connect({ url: redisUrl, fence: (code) => cluster!.keeper.epochOf(code), onError: (error) => log.warn({ err: error }, 'redis connection problem') }).catch((error: unknown) => {
        log.fatal({ err: error }, 'cannot reach Redis at REDIS_URL');
        process.exit(1);
      }),
      {
        clock: systemClock,
        onEvent: (event) => {
          if (event.kind === 'degraded') log.error({ err: event.error }, 'store unreachable: rooms play on from memory, writes are queued');
          else if (event.kind === 'recovered') log.warn({ flushed: event.flushed }, 'store back: queued writes kept');
          else if (event.kind === 'room-lost') log.error({ room: event.code, dropped: event.dropped }, 'the store no longer has this room: it writes its keys again from memory');
          else log.error({ room: event.code, queued: event.queued }, 'WRITE QUEUE FULL: this room is no longer being saved and would not survive a restart');
        },
      },
    )
  : undefined;
// Self-paced assignments live in the same Redis, so every process sees every attempt.
const assignments = redisUrl
  ? await RedisAssignmentStore.connect({ url: redisUrl, onError: (error) => log.warn({ err: error }, 'redis connection problem (assignments)') }).catch((error: unknown) => {
      log.fatal({ err: error }, 'cannot reach Redis at REDIS_URL');
      process.exit(1);
    })
  : undefined;
const running = await startServer({
  port,
  host,
  log,
  store,
  storeName: redisUrl ? 'redis' : 'memory',
  replayTtlDays,
  maxRooms,
  maxRoomCreatesPerMinute,
  roomsPerAddress,
  maxPlayers,
  seatsPerAddressPerMinute,
  durable: Boolean(redisUrl),
  teacherPasscode: process.env.TEACHER_PASSCODE || undefined,
  trustProxy,
  cluster,
  assignments,
}).catch((error: NodeJS.ErrnoException) => {
  log.fatal({ err: error }, `cannot listen on ${host}:${port}`);
  process.exit(1);
});
log.info({ host: running.host, port: running.port, version: readVersion(), ...(cluster ? { process: cluster.self } : {}) }, 'listening');
console.log(`ClusterClass ${readVersion()} is up. Open one of these (students join from their devices with the room code):`);
for (const url of urlsFor(host, running.port)) console.log(`  ${url}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // A client holding a request open must not keep the process alive for ever.
    const force = setTimeout(() => running.server.closeAllConnections(), 5_000);
    force.unref();
    // Drain: rooms hand everything to the store, then the store writes what still waits.
    running
      .close()
      .then(() => store?.close())
      .then(() => cluster?.close())
      .then(
        () => log.info('closed'),
        (error: unknown) => {
          log.error({ err: error }, 'error while closing');
          process.exitCode = 1;
        },
      );
  });
}
