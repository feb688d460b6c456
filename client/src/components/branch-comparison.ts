import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Scenario } from '../../../shared/scenario/schema.ts';
import { describeChange, type IncidentChange, type RefusedMove, type ScoreParts } from '../lib/branch.ts';
import type { PlayerAction } from '../../../shared/engine/types.ts';
import { EVENT_LABEL, RUNTIME_LABEL, clockText, points } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

const ROWS = [
  { key: 'total', label: 'Total' },
  { key: 'availability', label: 'Availability' },
  { key: 'cost', label: 'Cost' },
  { key: 'security', label: 'Security' },
] as const;

const MOVE_LABEL: Record<PlayerAction['type'], string> = {
  configureHost: 'change a host’s platform',
  createVm: 'create a VM',
  deleteVm: 'delete a VM',
  deploy: 'place an app',
  remove: 'remove an instance',
  setLimits: 'change limits',
  ready: 'say ready',
  migrateVm: 'move a VM',
  snapshotVm: 'snapshot a VM',
  restoreVm: 'restore a VM',
  attachVolume: 'attach a volume',
};

/** A kept move in a few words: "place Billing as a Container on host-a", "remove an instance (billing-2)". */
function moveText(action: PlayerAction, appName: (id: string) => string): string {
  switch (action.type) {
    case 'deploy':
      return `place ${appName(action.appId)} as a ${RUNTIME_LABEL[action.runtime]} on ${action.target}`;
    case 'remove':
      return `remove ${action.instanceId}`;
    default:
      return MOVE_LABEL[action.type];
  }
}

/** A difference in words and a sign, so colour is never the only signal. */
function difference(d: number) {
  const shown = Math.round(d * 10) / 10;
  if (shown === 0) return html`<span class="same">same</span>`;
  return shown > 0 ? html`<span class="up">+${points(shown)} <span class="word">better</span></span>` : html`<span class="down">−${points(-shown)} <span class="word">worse</span></span>`;
}

/**
 * A what-if branch's score beside the original cluster's (at the same second while it runs, at the
 * end once it is over), with the incidents that turned out differently and the kept moves that
 * the engine refused this time.
 */
@customElement('cc-branch-comparison')
export class BranchComparison extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      table {
        width: 100%;
        font-variant-numeric: tabular-nums;
      }
      caption {
        text-align: left;
        font-weight: 700;
        padding-bottom: 0.35rem;
      }
      tbody tr:first-child th,
      tbody tr:first-child td {
        font-weight: 700;
        font-size: 1.1em;
      }
      .up {
        color: var(--cc-ok);
        font-weight: 700;
      }
      .down {
        color: var(--cc-danger);
        font-weight: 700;
      }
      .same {
        color: var(--cc-muted);
      }
      .word {
        font-weight: 400;
        font-size: 0.85em;
      }
      .wrap {
        overflow-x: auto;
      }
      @media (max-width: 480px) {
        table {
          font-size: 0.875rem;
        }
        th,
        td {
          padding-left: 0.25rem;
          padding-right: 0.25rem;
        }
        thead th {
          letter-spacing: 0;
        }
        .word {
          display: block;
        }
      }
      ul {
        padding-left: 1.1rem;
        margin: 0.35rem 0 0;
        display: grid;
        gap: 0.35rem;
      }
      h3 {
        margin-top: 0.9rem;
      }
      details {
        font-size: 0.9em;
      }
      summary {
        cursor: pointer;
      }
      .msg {
        margin: 0.2rem 0 0;
        color: var(--cc-muted);
      }
    `,
  ];

  @property({ attribute: false }) scenario: Scenario | null = null;
  /** The original cluster's score at `atS`. */
  @property({ attribute: false }) original: ScoreParts | null = null;
  /** The branch's score at `atS`. */
  @property({ attribute: false }) branch: ScoreParts | null = null;
  @property({ type: Number }) atS = 0;
  /** Both runs are over: the scores are final, and the incidents are the whole story. */
  @property({ type: Boolean }) final = false;
  @property() name = '';
  @property({ attribute: false }) incidents: readonly IncidentChange[] = [];
  @property({ attribute: false }) refused: readonly RefusedMove[] = [];

  override render() {
    const { original, branch } = this;
    if (!original || !branch) return '';
    const when = this.final ? 'at the end' : `at ${clockText(this.atS)}`;
    return html`<div class="wrap" data-testid="branch-scores-wrap"><table data-testid="branch-scores" data-final=${this.final ? 'true' : 'false'}>
        <caption>
          Score ${when}: the original against the what-if
        </caption>
        <thead>
          <tr>
            <th scope="col">Points</th>
            <th scope="col" class="num">Original</th>
            <th scope="col" class="num">What-if</th>
            <th scope="col" class="num">Change</th>
          </tr>
        </thead>
        <tbody>
          ${ROWS.map(
            ({ key, label }) =>
              html`<tr data-testid="branch-score-row" data-part=${key}>
                <th scope="row">${label}</th>
                <td class="num" data-testid="branch-original" data-value=${original[key]}>${points(original[key])}</td>
                <td class="num" data-testid="branch-whatif" data-value=${branch[key]}>${points(branch[key])}</td>
                <td class="num" data-testid="branch-difference">${difference(branch[key] - original[key])}</td>
              </tr>`,
          )}
        </tbody>
      </table></div>
      ${this.final ? this._renderIncidents() : ''} ${this._renderRefused()}`;
  }

  private _renderIncidents() {
    const apps = new Map((this.scenario?.apps ?? []).map((a) => [a.id, a.name]));
    const appName = (id: string) => apps.get(id) ?? id;
    if (this.incidents.length === 0) return html`<h3>What turned out differently</h3><p data-testid="branch-incidents-none">Every incident after the branch went just as in the original.</p>`;
    return html`<h3>What turned out differently</h3>
      <ul data-testid="branch-incidents">
        ${this.incidents.map((change) => {
          const label = EVENT_LABEL[change.type] ?? change.type;
          const lost = (items: IncidentChange['original']) => items.reduce((sum, s) => sum + s.points, 0);
          return html`<li data-testid="branch-incident" data-type=${change.type} data-at=${change.atS}>
            ${describeChange(change, label, clockText(change.atS), appName)}
            ${lost(change.original) !== lost(change.branch)
              ? html` <span class="pts">(${points(lost(change.original))} pts in the original, ${points(lost(change.branch))} in the what-if)</span>`
              : ''}
            <details>
              <summary>What each run said</summary>
              <p class="msg"><strong>Original:</strong> ${change.original.map((s) => s.incident.message).join(' ') || 'nothing happened.'}</p>
              <p class="msg"><strong>What-if:</strong> ${change.branch.map((s) => s.incident.message).join(' ') || 'nothing happened.'}</p>
            </details>
          </li>`;
        })}
      </ul>`;
  }

  private _renderRefused() {
    if (this.refused.length === 0) return '';
    const apps = new Map((this.scenario?.apps ?? []).map((a) => [a.id, a.name]));
    return html`<h3>${this.name}’s later moves that did not work this time</h3>
      <ul data-testid="branch-refused">
        ${this.refused.map((r) => html`<li data-testid="branch-refused-move" data-at=${r.atS}>${clockText(r.atS)} · ${moveText(r.action, (id) => apps.get(id) ?? id)}: ${r.message}</li>`)}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-branch-comparison': BranchComparison;
  }
}
