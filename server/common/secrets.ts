import { timingSafeEqual } from 'node:crypto';

/** Compares a secret someone sent with the real one in constant time (no timing hints to a guesser). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
