import type { Concept } from './concepts.ts';
import type { Rejection } from './types.ts';

/** Codes for refusals that are about the game rather than the cluster. */
export const GAME_CODES = [
  'not-running',
  'bad-phase',
  'unknown-cluster',
  'cluster-kicked',
  'cluster-exists',
  'room-locked',
  'unknown-host',
  'unknown-vm',
  'unknown-app',
  'unknown-instance',
  'duplicate-id',
  'runtime-not-allowed',
  'platform-change-not-allowed',
  'bad-value',
] as const;

export const reject = (code: string, concept: Concept | null, message: string): Rejection => ({ code, concept, message });

export const fmtMiB = (mib: number): string => (mib >= 1024 ? `${+(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`);
export const fmtS = (s: number): string => (s >= 90 ? `${+(s / 60).toFixed(1)} min` : s >= 1 ? `${+s.toFixed(1)} s` : `${Math.round(s * 1000)} ms`);
