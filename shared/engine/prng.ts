/**
 * mulberry32: a small, fast PRNG whose whole state is one 32-bit integer, so it can live in the
 * simulation state and keep the reducer pure (boardgame.io keeps its PRNG state the same way).
 */
export function nextRandom(state: number): [value: number, next: number] {
  const next = (state + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, next];
}

/** Turns any seed into a well-mixed initial state. */
export function seedState(seed: number): number {
  let h = (Math.trunc(seed) ^ 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
