/**
 * The engine's rules version. A room's log replays to the same state only under the rules it was
 * played with, so rooms and replays carry the version they were recorded with, and a different
 * one is refused by name instead of drifting silently. Bump it whenever a change makes the same
 * actions give a different simulation.
 *
 * 1: the first engine (cores reserved per vCPU, CPU shared by demand).
 * 2: vCPU overcommit with steal, cgroup weights, hardware virtualisation for every VM,
 *    live migration, snapshots and volumes (issue 8).
 * 3: Windows container builds and Hyper-V isolation, .NET Framework on Server Core, tenants in the
 *    compliance audit, score weights that make an outage cost more than a host (issue 8).
 */
export const ENGINE_VERSION = 3;

/** Logs from before versions were recorded are version 1. */
export const recordedVersion = (meta: { readonly engineVersion?: number }): number => meta.engineVersion ?? 1;

/** Why a recording cannot be re-simulated here, or null when it can. */
export function incompatibility(meta: { readonly engineVersion?: number }, what: string): string | null {
  const recorded = recordedVersion(meta);
  if (recorded === ENGINE_VERSION) return null;
  return `${what} was recorded with engine version ${recorded}, and this server runs engine version ${ENGINE_VERSION}, whose rules would replay it differently, so it cannot be re-simulated here.`;
}
