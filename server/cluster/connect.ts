import { hostname } from 'node:os';
import { createClient } from 'redis';
import { customAlphabet } from 'nanoid';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Clock } from '../rooms/clock.ts';
import { LeaseKeeper, type KeeperHooks } from '../ownership/keeper.ts';
import { RedisOwnership } from '../ownership/redis-ownership.ts';
import { redisLimiters, type LimiterFactory } from '../common/limits.ts';
import type { BusPublisher, BusSubscriber } from './bus.ts';

/**
 * Everything a process needs of Redis to run among others: its room leases, the requests it
 * forwards to rooms' owners, the socket.io adapter that carries views to sockets on any
 * process, and the rate limits they all share. docs/SCALING.md has the model.
 */
export interface ClusterLink {
  /** This process, as leases and requests name it: unique per start. */
  readonly self: string;
  readonly keeper: LeaseKeeper;
  readonly limiters: LimiterFactory;
  /** For socket.io's `adapter` option. */
  readonly adapter: ReturnType<typeof createShardedAdapter> | ReturnType<typeof createAdapter>;
  readonly publisher: BusPublisher;
  readonly subscriber: BusSubscriber;
  close(): Promise<void>;
}

export interface ClusterLinkOptions {
  readonly url: string;
  readonly clock: Clock;
  /** Key prefix, as the store's (tests give each run its own). */
  readonly prefix?: string;
  readonly onError?: (error: Error) => void;
  readonly keeperHooks?: KeeperHooks;
  /** The lease's life and renewal period (tests may shorten them). */
  readonly leaseTiming?: { ttlMs: number; renewEveryMs: number };
  /**
   * The socket.io adapter (REDIS_ADAPTER): 'sharded' (the default: Redis 7's sharded pub/sub, a
   * channel per room and per socket) or 'pubsub' (classic PUBLISH, for Redis 6: every message
   * reaches every process). docs/SCALING.md has why, and the measured difference.
   */
  readonly adapter?: 'sharded' | 'pubsub';
}

export const ADAPTERS = ['sharded', 'pubsub'] as const;

/**
 * `late`: what a command may do when Redis is slow to answer. 'fail' (the default: node-redis
 * gives up after 5 s) for leases and limits, which have deadlines of their own; 'wait' for the
 * publishing connection, where a view given up on after it was queued would be lost to its
 * client, whose next deltas would then not apply: late is better than lost there.
 */
function client(url: string, onError?: (error: Error) => void, late: 'fail' | 'wait' = 'fail') {
  const c = createClient({
    url,
    // Rejected at once while disconnected: a lease renewal or a request must not wait in a queue.
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000) + Math.floor(Math.random() * 100) },
    ...(late === 'wait' ? { commandOptions: { timeout: undefined } } : {}),
  });
  c.on('error', (error: Error) => onError?.(error));
  return c;
}

/** Letters and digits only, so the pid stays the second-last dash-separated part of a process id. */
const randomPart = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 6);

/** A process id that says where it runs: host, pid, and a random part for restarts of the same pid. */
export function processId(): string {
  return `${hostname()}-${process.pid}-${randomPart()}`;
}

export async function connectCluster(options: ClusterLinkOptions): Promise<ClusterLink> {
  const self = processId();
  // One connection for everything published (the adapter's views and announcements, and requests),
  // so it goes out in the order it was published; one for leases and limits, which must not queue
  // behind thousands of views a second (a renewal stuck there would lose a lease under load); one
  // for the adapter's subscriptions and one for the requests to this process.
  const command = client(options.url, options.onError, 'wait');
  const leases = client(options.url, options.onError);
  const adapterSub = client(options.url, options.onError);
  const busSub = client(options.url, options.onError);
  await Promise.all([command.connect(), leases.connect(), adapterSub.connect(), busSub.connect()]);
  const ownership = new RedisOwnership(leases, self, { prefix: options.prefix, ttlMs: options.leaseTiming?.ttlMs });
  const keeper = new LeaseKeeper(ownership, options.clock, options.keeperHooks, options.leaseTiming);
  // Sharded pub/sub, a channel per room and per socket ("dynamic-private"): a process receives only
  // the rooms its sockets are in and the messages for its own sockets (docs/SCALING.md, why this one).
  const channelPrefix = `${options.prefix ?? 'cc:'}io`;
  const adapter =
    options.adapter === 'pubsub'
      ? createAdapter(command, adapterSub, { key: channelPrefix })
      : createShardedAdapter(command, adapterSub, { channelPrefix, subscriptionMode: 'dynamic-private' });
  return {
    self,
    keeper,
    limiters: redisLimiters(leases, options.prefix),
    adapter,
    publisher: command,
    subscriber: busSub,
    close: async () => {
      keeper.stop();
      await Promise.all([command, leases, adapterSub, busSub].map((c) => c.close().catch(() => undefined)));
    },
  };
}
