/**
 * What one room and one action may hold. The protocol and plan schemas use the same bounds, so a
 * value the network lets through is one the engine accepts (or refuses with a teaching reason).
 */
export const LIMITS = {
  /**
   * A keynote's or a MOOC session's class (the room's seat limit, MAX_PLAYERS, is at most this).
   * Raised from 500 without an ENGINE_VERSION bump: no older log holds more clusters, and the cap
   * only refuses joins, never changes what a tick does.
   */
  clusters: 2_000,
  instancesPerCluster: 300,
  vmsPerCluster: 100,
  injectedEvents: 500,
  /**
   * The Relaxed pace (shared/views/pace.ts): one simulated second per real second. Lowered from
   * 0.25 without an ENGINE_VERSION bump: no older log holds a slower speed, and the speed only
   * sets how fast real time runs the ticks, never what a tick does.
   */
  minSpeed: 0.1,
  maxSpeed: 20,
  /** A VM's size, as big as the biggest host; one too small for its guest OS is refused by the rules, with the reason. */
  maxVcpu: 256,
  maxVmMemoryMiB: 4096 * 1024,
  /** A cgroup CPU limit in cores: below a twentieth of a core nothing useful runs. */
  minCpuLimit: 0.05,
  maxCpuLimit: 256,
} as const;

/** What a setLimits changes: only the limits it names (an omitted one stays as it was). */
export function describeLimits(action: { cpu?: number | null; weight?: number; memoryMiB?: number | null }): string {
  const parts: string[] = [];
  if (action.cpu !== undefined) parts.push(`cpu.max ${action.cpu === null ? 'unlimited' : `${action.cpu} cores`}`);
  if (action.weight !== undefined) parts.push(`cpu.weight ${action.weight}`);
  if (action.memoryMiB !== undefined) parts.push(`memory.max ${action.memoryMiB === null ? 'unlimited' : `${action.memoryMiB} MiB`}`);
  return parts.join(', ') || 'no change';
}
