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

/** Codes for refusals about the cluster: each teaches something (its concept). */
export const CLUSTER_CODES = [
  'foreign-kernel',
  'needs-linux-kernel',
  'needs-own-kernel',
  'no-host-os',
  'no-container-engine',
  'no-kvm',
  'not-a-container',
  'microvm-linux-only',
  'microvm-needs-linux-host',
  'vm-in-vm',
  'vm-too-small',
  'host-not-empty',
  'host-down',
  'insufficient-memory',
  'insufficient-cpu',
  'too-many-instances',
  'too-many-vms',
  'no-live-migration',
  'vm-not-running',
  'not-a-vm',
  'no-snapshot',
  'stateless-app',
  'vm-has-disk',
  'no-windows-container-image',
  'windows-build-mismatch',
  'not-a-windows-container',
] as const;

/** Every code the engine refuses an action with: game codes and cluster codes. */
export const REJECTION_CODES = [...GAME_CODES, 'unknown-action', 'room-full', 'too-many-events', ...CLUSTER_CODES] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export const reject = (code: RejectionCode, concept: Concept | null, message: string): Rejection => ({ code, concept, message });

export const fmtMiB = (mib: number): string => (mib >= 1024 ? `${+(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`);
export const fmtS = (s: number): string => (s >= 90 ? `${+(s / 60).toFixed(1)} min` : s >= 1 ? `${+s.toFixed(1)} s` : `${Math.round(s * 1000)} ms`);
