import type { Concept } from './concepts.ts';
import type { ClusterState, Incident, IncidentType, InstanceState } from './types.ts';

export type Draft = Omit<Incident, 'seq'>;

export function draft(event: IncidentType, concept: Concept, t: number, victims: readonly InstanceState[], message: string, securityPenalty = 0, cost = 0): Draft {
  return {
    atS: t,
    type: event,
    concept,
    appIds: [...new Set(victims.map((v) => v.appId))],
    instanceIds: victims.map((v) => v.id),
    message,
    securityPenalty,
    cost,
  };
}

/** Records an incident and books what it cost in security points and money. */
export function withIncident(c: ClusterState, incident: Draft): ClusterState {
  return {
    ...c,
    incidents: [...c.incidents, { ...incident, seq: c.incidents.length + 1 }],
    tally: {
      ...c.tally,
      securityPenalty: c.tally.securityPenalty + incident.securityPenalty,
      spend: { ...c.tally.spend, patching: c.tally.spend.patching + incident.cost },
    },
  };
}

/** Incidents that only tell the player something (a slow first pull, a utility VM started for them): nobody got anything wrong. */
const NOTICES: ReadonlySet<Incident['type']> = new Set(['imagePull', 'hypervIsolation']);

/** Whether an incident is a setback the class should learn from: it hurt an app, cost security points or broke the budget. */
export const isSetback = (i: Incident): boolean => !NOTICES.has(i.type) && (i.securityPenalty > 0 || i.appIds.length > 0 || i.type === 'overBudget');
