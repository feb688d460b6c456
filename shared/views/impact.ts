/**
 * What each room-wide event did to the class so far, for the projector's and the teacher's
 * banners: "12 of 28 clusters breached". It is read from the incidents each cluster got once the
 * event fired (an incident carries its type and second), so it costs a walk back over each
 * cluster's latest incidents, nothing more. A traffic spike leaves no incident: the room watches
 * each second of it instead (SpikeWatch) and passes what it saw.
 */
import type { ClusterState, FiredEvent, Incident, ScenarioEvent, SimState } from '../engine/types.ts';
import { clusterOf } from '../engine/state.ts';
import type { EventBanner } from './types.ts';

type Impact = NonNullable<EventBanner['impact']>;

/** Clusters seen under-served during each traffic spike, by the fired event's seq. */
export type SpikeHits = ReadonlyMap<number, ReadonlySet<string>>;

/** How an event hurt a cluster, in the words of "N of M clusters …", and how to tell from an incident. */
const HURT: Record<Exclude<ScenarioEvent['type'], 'trafficSpike' | 'dataLoss'>, { readonly text: string; readonly hurt: (i: Incident) => boolean }> = {
  kernelExploit: { text: 'breached', hurt: (i) => i.securityPenalty > 0 },
  hypervisorEscape: { text: 'breached', hurt: (i) => i.securityPenalty > 0 },
  complianceAudit: { text: 'failed the audit', hurt: (i) => i.securityPenalty > 0 },
  // A failure that hit nothing says so in an incident with no apps.
  hostFailure: { text: 'lost running apps', hurt: (i) => i.appIds.length > 0 },
  // The patch day's own notice lists what ran on the hosts it patches; later turns, what went down.
  patchDay: { text: 'had apps to patch or move', hurt: (i) => i.appIds.length > 0 },
  noisyNeighbour: { text: 'had apps slowed down', hurt: (i) => i.appIds.length > 0 },
};

/**
 * The seconds an event's incidents may come from: from when it fired until the next event of the
 * same kind fired (a patch day's later turns belong to it; the next patch day's do not).
 */
function windowOf(fired: readonly FiredEvent[], index: number): { from: number; until: number } {
  const f = fired[index]!;
  for (let j = index + 1; j < fired.length; j++) if (fired[j]!.event.type === f.event.type) return { from: f.atS, until: fired[j]!.atS };
  return { from: f.atS, until: Infinity };
}

/** Whether a cluster got a hurting incident of this kind in the window; walks back from its latest incident. */
function hurtIn(cluster: ClusterState, type: ScenarioEvent['type'], from: number, until: number, hurt: (i: Incident) => boolean): boolean {
  for (let k = cluster.incidents.length - 1; k >= 0; k--) {
    const inc = cluster.incidents[k]!;
    if (inc.atS < from) return false;
    if (inc.atS < until && inc.type === type && hurt(inc)) return true;
  }
  return false;
}

function lostData(cluster: ClusterState, from: number, until: number): boolean {
  for (let k = cluster.dataLosses.length - 1; k >= 0; k--) {
    const loss = cluster.dataLosses[k]!;
    if (loss.atS < from) return false;
    if (loss.atS < until && loss.cause === 'dataLoss' && loss.lostS > 0) return true;
  }
  return false;
}

/**
 * The impact of the fired event at `index` on the clusters in `clusterIds` (the ones on the
 * board: seated, not removed). Null when there is nobody to count.
 */
export function eventImpact(state: SimState, index: number, clusterIds: readonly string[], spikes: SpikeHits = new Map()): Impact | null {
  const f = state.fired[index];
  if (!f || clusterIds.length === 0) return null;
  const { from, until } = windowOf(state.fired, index);
  const type = f.event.type;
  let affected = 0;
  let text: string;
  if (type === 'trafficSpike') {
    text = 'overloaded';
    const hit = spikes.get(f.seq);
    if (hit) for (const id of clusterIds) if (hit.has(id)) affected++;
  } else if (type === 'dataLoss') {
    text = 'lost data';
    for (const id of clusterIds) {
      const c = clusterOf(state, id);
      if (c && lostData(c, from, until)) affected++;
    }
  } else {
    const how = HURT[type];
    text = how.text;
    for (const id of clusterIds) {
      const c = clusterOf(state, id);
      if (c && hurtIn(c, type, from, until, how.hurt)) affected++;
    }
  }
  const of = clusterIds.length;
  return { affected, of, text: `${affected} of ${of} cluster${of === 1 ? '' : 's'} ${text}` };
}

/** How many traffic spikes a SpikeWatch remembers (the banners show the last few events). */
const SPIKES_KEPT = 16;

/**
 * Watches each simulated second of a traffic spike: a cluster that served less than all of the
 * spiking app's demand in a second of it was overloaded. Fed by the room after every tick, at a
 * cost of one comparison per cluster per active spike; what it saw is lost on a restart (the
 * banner then counts from the restart on).
 */
export class SpikeWatch {
  private readonly hits = new Map<number, Set<string>>();

  get seen(): SpikeHits {
    return this.hits;
  }

  /** `before` and `after` are the states either side of one tick. */
  observe(before: SimState, after: SimState): void {
    const t = before.timeS;
    if (after.timeS !== t + 1) return;
    for (let k = after.fired.length - 1; k >= 0; k--) {
      const f = after.fired[k]!;
      if (f.event.type !== 'trafficSpike') continue;
      if (f.atS + f.event.durationS <= t || f.atS > t) continue;
      const appIndex = after.scenario.apps.findIndex((a) => a.id === (f.event as { appId: string }).appId);
      if (appIndex < 0) continue;
      let hit = this.hits.get(f.seq);
      if (!hit) {
        this.hits.set(f.seq, (hit = new Set()));
        if (this.hits.size > SPIKES_KEPT) this.hits.delete(this.hits.keys().next().value!);
      }
      for (const id of after.clusterOrder) {
        if (hit.has(id)) continue;
        const was = clusterOf(before, id);
        const now = clusterOf(after, id);
        if (!was || !now || now.kicked) continue;
        // runSecond adds 1 for a second whose demand was met in full, the share served otherwise.
        if (now.tally.served[appIndex]! - was.tally.served[appIndex]! < 1 - 1e-9) hit.add(id);
      }
    }
  }
}
