import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

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
