import { redisKeys } from '../storage/redis-store.ts';
import { LEASE_TIMING, type Lease, type RoomOwnership } from './ownership.ts';

/** What the leases need of a node-redis client (any of its RESP versions). */
export interface LeaseClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  hGetAll(key: string): Promise<unknown>;
  exists(keys: string): Promise<number>;
}

/*
 * Keys (server/storage/redis-store.ts's layout; the braces are a Redis Cluster hash tag, with the
 * room's store keys in one slot, so the store's scripts check the epoch in the same step as each write):
 *
 *   cc:lease:{CODE}   hash    owner, epoch; with the lease's expiry (PX)
 *   cc:epoch:{CODE}   string  the room's last epoch (no expiry: epochs never come back)
 */
/** KEYS lease, epoch; ARGV owner, ttlMs. The new epoch, or nil if someone holds the room. */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local epoch = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'epoch', epoch)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return epoch`;

/**
 * KEYS lease, epoch; ARGV owner, epoch, ttlMs. 1 if the lease is extended, else 0. A lease that
 * ran out while nobody else took the room (its epoch is still the room's last: a Redis outage, a
 * long pause) is taken back with the same epoch: no other owner has written in between.
 */
const RENEW = `
local held = redis.call('HMGET', KEYS[1], 'owner', 'epoch')
local last = redis.call('GET', KEYS[2])
if held[1] == false and (last == ARGV[2] or last == false) then
  -- No epoch at all: Redis lost its data (FLUSHALL, an empty replica), and nobody took the room since.
  if last == false then redis.call('SET', KEYS[2], ARGV[2]) end
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'epoch', ARGV[2])
elseif held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** KEYS lease; ARGV owner, epoch. Deletes the lease only if it is still this one. */
const RELEASE = `
local held = redis.call('HMGET', KEYS[1], 'owner', 'epoch')
if held[1] == ARGV[1] and held[2] == ARGV[2] then redis.call('DEL', KEYS[1]) end
return 1`;

/** Leases in Redis: set if absent with an expiry, renewed and released only by their holder (checked in one script step). */
export class RedisOwnership implements RoomOwnership {
  private readonly keys: ReturnType<typeof redisKeys>;

  constructor(
    private readonly client: LeaseClient,
    readonly self: string,
    options: { prefix?: string; ttlMs?: number } = {},
  ) {
    this.keys = redisKeys(options.prefix);
    this.ttlMs = options.ttlMs ?? LEASE_TIMING.ttlMs;
  }

  private readonly ttlMs: number;

  async acquire(code: string): Promise<Lease | null> {
    const epoch = await this.client.eval(ACQUIRE, { keys: [this.keys.lease(code), this.keys.epoch(code)], arguments: [this.self, String(this.ttlMs)] });
    return epoch === null ? null : { code, owner: this.self, epoch: Number(epoch) };
  }

  async renew(lease: Lease): Promise<boolean> {
    const ok = await this.client.eval(RENEW, { keys: [this.keys.lease(lease.code), this.keys.epoch(lease.code)], arguments: [lease.owner, String(lease.epoch), String(this.ttlMs)] });
    return ok === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.client.eval(RELEASE, { keys: [this.keys.lease(lease.code)], arguments: [lease.owner, String(lease.epoch)] });
  }

  async free(codes: readonly string[]): Promise<string[]> {
    // Concurrent commands share the connection's pipeline: one round trip for them all.
    const held = await Promise.all(codes.map((code) => this.client.exists(this.keys.lease(code))));
    return codes.filter((_, i) => held[i] === 0);
  }

  async holder(code: string): Promise<{ owner: string; epoch: number } | null> {
    const held = (await this.client.hGetAll(this.keys.lease(code))) as Record<string, string | undefined>;
    return held.owner && held.epoch ? { owner: held.owner, epoch: Number(held.epoch) } : null;
  }
}
