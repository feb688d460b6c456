import type { PlanAction, PlayerAction, Report } from '../../shared/engine/index.ts';
import { describeLimits } from '../../shared/engine/limits.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import { fixed, percent, seconds, table, wrap } from './text.ts';

const WIDTH = 100;

export interface SummaryInput {
  readonly report: Report;
  readonly scenario: Scenario;
  /** How the cluster was driven, e.g. `greedy (reference policy)` or `plan file plans/a.json`. */
  readonly source: string;
  /** The most points a cluster can score: the sum of the scenario's score weights. */
  readonly maxScore: number;
}

/** The readable form of a report: the same facts as `--json`, laid out for a teacher. */
export function formatSummary({ report, scenario, source, maxScore }: SummaryInput): string {
  const out: string[] = [];
  out.push(`${scenario.title} (${scenario.id})`);
  out.push(`Plan: ${source} · seed ${report.seed} · ${report.durationS} s simulated`, '');

  const { score } = report;
  out.push(`Score  ${fixed(score.total)} of ${maxScore}`);
  out.push(...table([['availability', fixed(score.availability)], ['cost', fixed(score.cost)], ['security', fixed(score.security)]], [1]), '');

  const points = new Map(score.apps.map((a) => [a.appId, a.points]));
  const names = new Map(scenario.apps.map((a) => [a.id, a.name]));
  out.push('Apps');
  out.push(
    ...table(
      [
        ['app', 'name', 'availability', 'points', 'breached'],
        ...report.apps.map((a) => [a.id, names.get(a.id) ?? '', percent(a.availability), fixed(points.get(a.id) ?? 0), a.breached ? 'BREACHED' : 'no']),
      ],
      [2, 3],
    ),
    '',
  );

  const { cost } = report;
  out.push(`Cost  ${fixed(cost.total, 2)} against a budget of ${fixed(cost.budget, 2)} (hosts ${fixed(cost.hosts, 2)}, licences ${fixed(cost.licences, 2)}, patching ${fixed(cost.patching, 2)}, storage ${fixed(cost.storage, 2)})`, '');

  const { steal } = report;
  out.push(
    steal.askedCoreS > 0
      ? `CPU steal  ${fixed(steal.pct)} % of the CPU your VMs and microVMs asked for was not there (${fixed(steal.stolenCoreS)} of ${fixed(steal.askedCoreS)} core-seconds): their hosts were overcommitted and busy`
      : 'CPU steal  none (no VMs or microVMs)',
  );
  const { migrations: moves, snapshots } = report;
  out.push(`Migrations  ${moves.total} VM${moves.total === 1 ? '' : 's'} live-migrated (${moves.patchDay} by patch days), ${moves.containersMoved} container${moves.containersMoved === 1 ? '' : 's'} recreated elsewhere`);
  out.push(`Snapshots  ${snapshots.taken} taken, ${snapshots.restored} restored, ${snapshots.lostWithHost} lost with their host, ${snapshots.kept} kept at the end`, '');

  out.push(`Data loss (${report.dataLoss.length})`);
  if (report.dataLoss.length === 0) out.push('  none');
  else
    out.push(
      ...table(
        [
          ['at', 'app', 'cause', 'recovered from', 'data lost', 'service undone'],
          ...report.dataLoss.map((l) => [seconds(l.atS), l.appId, l.cause, RECOVERY[l.recovery], l.recovery === 'redeploy' ? '-' : seconds(l.lostS), seconds(l.serviceLostS)]),
        ],
        [4, 5],
      ),
    );
  out.push('');

  out.push(`Instances (${report.instances.length})`);
  if (report.instances.length === 0) out.push('  none');
  else
    out.push(
      ...table(
        [
          ['id', 'app', 'runtime', 'host', 'vm', 'ready at', 'removed at'],
          ...report.instances.map((i) => [i.id, i.appId, 'isolation' in i ? `${i.runtime} (Hyper-V)` : i.runtime, i.hostId, i.vmId ?? '-', i.readyAtS === null ? 'never' : seconds(i.readyAtS), i.removedAtS === null ? '-' : seconds(i.removedAtS)]),
        ],
        [5, 6],
      ),
    );
  out.push('');

  out.push(`Rejections (${report.rejections.length})`);
  if (report.rejections.length === 0) out.push('  none');
  for (const r of report.rejections) {
    out.push(`  at ${seconds(r.atS)}  ${describeAction(r.action)}`);
    out.push(`    ${r.code}${r.concept ? ` [${r.concept}]` : ''}`);
    out.push(...wrap(r.message, WIDTH, '    '));
  }
  out.push('');

  // Points are listed per incident that cost any (security, or work undone by lost data).
  const penalties = new Map(score.incidents.map((i) => [i.seq, i]));
  out.push(`Incidents (${report.incidents.length})`);
  if (report.incidents.length === 0) out.push('  none');
  for (const inc of report.incidents) {
    const cost = penalties.get(inc.seq);
    const apps = inc.appIds.length ? ` · apps ${inc.appIds.join(', ')}` : '';
    out.push(`  at ${seconds(inc.atS)}  ${inc.type} [${inc.concept}]${apps}${cost ? ` · ${fixed(cost.points)} points` : ''}`);
    out.push(...wrap(inc.message, WIDTH, '    '));
  }
  return out.join('\n') + '\n';
}

const RECOVERY: Record<Report['dataLoss'][number]['recovery'], string> = { backup: 'latest backup', snapshot: 'VM snapshot', none: 'nothing (lost)', redeploy: 'redeploy' };

/** One line saying what an action asked for, in the plan file's own terms. */
export function describeAction(action: PlanAction | PlayerAction): string {
  switch (action.type) {
    case 'configureHost':
      return `configureHost ${action.hostId} as ${action.platform}`;
    case 'createVm':
      return `createVm ${action.id ?? '(auto id)'} on ${action.hostId}: ${action.guestOs}, ${action.vcpu} vCPU, ${action.memoryMiB} MiB${action.containerEngine ? ', with a container engine' : ''}`;
    case 'deleteVm':
      return `deleteVm ${action.vmId}`;
    case 'deploy':
      return `deploy ${action.appId}${action.id ? ` as ${action.id}` : ''}: ${action.runtime} on ${action.target}`;
    case 'remove':
      return `remove ${action.instanceId}`;
    case 'setLimits':
      return `setLimits ${action.instanceId}: ${describeLimits(action)}`;
    case 'ready':
      return `ready${action.ready === false ? ' (withdrawn)' : ''}`;
    case 'migrateVm':
      return `migrateVm ${action.vmId} to ${action.hostId}`;
    case 'snapshotVm':
      return `snapshotVm ${action.vmId}`;
    case 'restoreVm':
      return `restoreVm ${action.vmId}`;
    case 'attachVolume':
      return `attachVolume ${action.instanceId}${action.backup ? ' with backups' : ' without backups'}`;
    default: {
      const unknown: never = action;
      return JSON.stringify(unknown);
    }
  }
}

