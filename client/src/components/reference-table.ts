import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { points } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

export interface ReferenceRow {
  /** `mine` marks the row compared with the plans (the student's or the selected cluster's); otherwise the policy. */
  readonly key: string;
  readonly label: string;
  readonly total: number;
  readonly availability: number;
  readonly cost: number;
  readonly security: number;
}

/**
 * A plan against the reference plans, as the live debrief and the replay show it: five columns
 * that fit a phone in a tighter style, and scroll inside their own box on a narrower screen (the
 * page never scrolls sideways).
 */
@customElement('cc-reference-table')
export class ReferenceTable extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .table-wrap {
        overflow-x: auto;
        max-width: 52rem;
      }
      tr.mine {
        background: var(--cc-accent-soft);
        font-weight: 700;
      }
      @media (max-width: 480px) {
        .table-wrap table {
          font-size: 0.85rem;
        }
        .table-wrap th,
        .table-wrap td {
          padding: 0.3rem 0.2rem;
        }
        .table-wrap thead th {
          text-transform: none;
          letter-spacing: 0;
        }
      }
    `,
  ];

  @property({ attribute: false }) rows: readonly ReferenceRow[] = [];
  /** The region's accessible name. */
  @property() label = 'Your plan against the reference plans';
  /** Test ids of the table and of each row (the debrief's and the replay's differ). */
  @property() tableId = 'reference-table';
  @property() rowId = 'reference-row';
  /** What `data-policy` says on the compared row ('you' on the debrief, 'selected' in the replay). */
  @property() mineKey = 'you';
  /** A test id for the scrolling box, when a test measures it. */
  @property() wrapId = '';

  override render() {
    return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${this.label} data-testid=${this.wrapId || nothing}>
      <table data-testid=${this.tableId}>
        <caption class="visually-hidden">${this.label}, on the same scenario and seed</caption>
        <thead>
          <tr>
            <th scope="col">Plan</th>
            <th scope="col" class="num">Total</th>
            <th scope="col" class="num">Availability</th>
            <th scope="col" class="num">Cost</th>
            <th scope="col" class="num">Security</th>
          </tr>
        </thead>
        <tbody>
          ${this.rows.map(
            (r) =>
              html`<tr class=${r.key === 'mine' ? 'mine' : ''} data-testid=${this.rowId} data-policy=${r.key === 'mine' ? this.mineKey : r.key}>
                <th scope="row">${r.label}</th>
                <td class="num">${points(r.total)}</td>
                <td class="num">${points(r.availability)}</td>
                <td class="num">${points(r.cost)}</td>
                <td class="num">${points(r.security)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-reference-table': ReferenceTable;
  }
}
