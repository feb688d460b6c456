import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Takes one point from `limiter` for `key`: null when it was there to take, else how many ms to
 * wait. A limiter's own failure (not a refusal) is thrown, never mistaken for "allowed".
 */
export async function takePoint(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (error) {
    if (error instanceof RateLimiterRes) return error.msBeforeNext;
    throw error;
  }
}

/** Makes a named limiter: `points` per `durationS` seconds for each key. */
export type LimiterFactory = (name: string, points: number, durationS: number) => RateLimiterAbstract;

/** Limits of this process alone: one process. */
export const memoryLimiters: LimiterFactory = (_name, points, duration) => new RateLimiterMemory({ points, duration });

/** What the shared limiters need of a node-redis client. */
export type LimiterClient = ConstructorParameters<typeof RateLimiterRedis>[0]['storeClient'];

/**
 * Limits every process shares, counted in Redis, so a guesser or a bot farm spreading its
 * requests over the processes meets one limit. If Redis does not answer, each process counts
 * on its own meanwhile (the insurance limiter) rather than letting everything through or nothing.
 */
export function redisLimiters(client: LimiterClient, prefix = 'cc:'): LimiterFactory {
  return (name, points, duration) =>
    new RateLimiterRedis({
      storeClient: client,
      useRedisPackage: true,
      keyPrefix: `${prefix}limit:${name}`,
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
}
