import type { SimState } from './types.ts';
import type { RecordedRejection } from './run.ts';
import { computeScore } from './score.ts';
import { storageSpend } from './data.ts';
import { clusterOf } from './state.ts';

const round = (x: number, places = 2): number => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};

/** The CLI's `--json` report for one cluster: the contract documented in README.md. */
export function buildReport(state: SimState, clusterId: string, rejections: readonly RecordedRejection[]) {
  const cluster = clusterOf(state, clusterId);
  if (!cluster) throw new Error(`no cluster ${clusterId}`);
  const score = computeScore(state, cluster);
  const breached = new Set(cluster.instances.filter((i) => i.breached).map((i) => i.appId));
  for (const inc of cluster.incidents) if (inc.securityPenalty > 0 && (inc.type === 'kernelExploit' || inc.type === 'hypervisorEscape')) inc.appIds.forEach((a) => breached.add(a));
  const readyOrNull = (readyAtS: number): number | null => (readyAtS <= state.timeS ? round(readyAtS, 3) : null);
  return {
    scenario: state.scenario.id,
    seed: state.seed,
    durationS: state.scenario.durationS,
    score: {
      total: round(score.total, 1),
      availability: round(score.availability, 1),
      cost: round(score.cost, 1),
      security: round(score.security, 1),
      apps: score.apps.map((a) => ({ appId: a.appId, points: round(a.points, 1) })),
      incidents: score.incidents.map((i) => ({ seq: i.seq, points: round(i.points, 1) })),
    },
    rejections: rejections.map((r) => ({ atS: r.atS, action: r.action, code: r.code, concept: r.concept, message: r.message })),
    instances: [
      ...cluster.retired.map((r) => ({
        id: r.id,
        appId: r.appId,
        runtime: r.runtime,
        hostId: r.hostId,
        ...(r.vmId ? { vmId: r.vmId } : {}),
        ...(r.isolation ? { isolation: r.isolation } : {}),
        readyAtS: r.readyAtS <= r.removedAtS ? round(r.readyAtS, 3) : null,
        removedAtS: r.removedAtS,
      })),
      ...cluster.instances.map((i) => ({
        id: i.id,
        appId: i.appId,
        runtime: i.runtime,
        hostId: i.hostId,
        ...(i.vmId ? { vmId: i.vmId } : {}),
        ...(i.isolation ? { isolation: i.isolation } : {}),
        readyAtS: readyOrNull(i.readyAtS),
        removedAtS: null,
      })),
    ],
    apps: state.scenario.apps.map((app, i) => ({ id: app.id, availability: round(score.apps[i]!.availability, 4), breached: breached.has(app.id) })),
    incidents: cluster.incidents.map((inc) => ({ seq: inc.seq, atS: inc.atS, type: inc.type, concept: inc.concept, appIds: inc.appIds, message: inc.message, securityPenalty: inc.securityPenalty })),
    cost: {
      total: round(score.spend, 2),
      budget: round(state.budget, 2),
      hosts: round(cluster.tally.spend.hosts, 2),
      licences: round(cluster.tally.spend.licences, 2),
      patching: round(cluster.tally.spend.patching, 2),
      storage: round(storageSpend(state, cluster), 2),
    },
    steal: stealOf(cluster.tally.stealAskedCoreS ?? 0, cluster.tally.stealLostCoreS ?? 0),
    migrations: { total: cluster.counts.migrations, patchDay: cluster.counts.patchDayMigrations, containersMoved: cluster.counts.containersMoved },
    snapshots: { taken: cluster.counts.snapshotsTaken, restored: cluster.counts.snapshotsRestored, lostWithHost: cluster.counts.snapshotsLost, kept: cluster.snapshots.length },
    dataLoss: cluster.dataLosses.map((l) => ({ atS: l.atS, appId: l.appId, cause: l.cause, recovery: l.recovery, lostS: round(l.lostS, 1), serviceLostS: round(l.undone, 1) })),
  };
}

/** CPU steal over the run: what VMs and microVMs asked their hosts for, what they did not get, and the share. */
function stealOf(askedCoreS: number, stolenCoreS: number) {
  return { askedCoreS: round(askedCoreS, 1), stolenCoreS: round(stolenCoreS, 1), pct: askedCoreS > 0 ? round((100 * stolenCoreS) / askedCoreS, 1) : 0 };
}

export type Report = ReturnType<typeof buildReport>;
