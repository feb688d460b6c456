import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { TeacherView } from '../../../shared/views/types.ts';
import { base } from '../styles/shared.ts';

const KINDS = [
  { key: 'container', label: 'Container', cls: 'c' },
  { key: 'vm', label: 'VM', cls: 'v' },
  { key: 'microvm', label: 'microVM', cls: 'm' },
  { key: 'unplaced', label: 'Not placed', cls: 'u' },
] as const;

/** How the class placed each app: instance counts per runtime, as numbers and a stacked bar. */
@customElement('cc-placement-table')
export class PlacementTable extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .wrap {
        overflow-x: auto;
      }
      .bar {
        display: flex;
        height: 0.8rem;
        min-width: 6rem;
        border: 1px solid var(--cc-muted);
        border-radius: 3px;
        overflow: hidden;
        background: var(--cc-surface);
      }
      .bar span {
        height: 100%;
      }
      .c {
        background: var(--cc-accent);
      }
      .v {
        background: var(--cc-vm);
      }
      .m {
        background: repeating-linear-gradient(90deg, var(--cc-ok) 0 4px, var(--cc-ok-soft) 4px 6px);
      }
      .u {
        background: repeating-linear-gradient(135deg, var(--cc-off) 0 2px, var(--cc-surface) 2px 6px);
      }
      .key {
        display: inline-block;
        width: 0.8em;
        height: 0.8em;
        border: 1px solid var(--cc-muted);
        margin-right: 0.25em;
        vertical-align: -0.05em;
      }
      td.bar-cell {
        width: 30%;
      }
    `,
  ];

  @property({ attribute: false }) placements: TeacherView['placements'] = [];
  @property({ attribute: false }) appNames: ReadonlyMap<string, string> = new Map();

  override render() {
    return html`<div class="wrap" tabindex="0" role="region" aria-label="Placements table">
      <table data-testid="placements">
        <caption class="visually-hidden">Instances per app and runtime across the class; "not placed" counts clusters without the app</caption>
        <thead>
          <tr>
            <th scope="col">App</th>
            ${KINDS.map((k) => html`<th scope="col" class="num"><span class="key ${k.cls}" aria-hidden="true"></span>${k.label}</th>`)}
            <th scope="col"><span class="visually-hidden">Share</span></th>
          </tr>
        </thead>
        <tbody>
          ${this.placements.map((p) => {
            const total = KINDS.reduce((sum, k) => sum + p[k.key], 0) || 1;
            return html`<tr data-testid="placement-row" data-app=${p.appId}>
              <th scope="row">${this.appNames.get(p.appId) ?? p.appId}</th>
              ${KINDS.map((k) => html`<td class="num" data-testid="placement-${k.key}">${p[k.key]}</td>`)}
              <td class="bar-cell">
                <div class="bar" aria-hidden="true">${KINDS.map((k) => html`<span class=${k.cls} style="width:${(p[k.key] / total) * 100}%"></span>`)}</div>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-placement-table': PlacementTable;
  }
}
