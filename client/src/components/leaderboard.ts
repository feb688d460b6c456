import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LeaderRow } from '../../../shared/views/types.ts';
import { points } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

/** The top of the class: rank, name, points; the viewer's own row is marked in words too. */
@customElement('cc-leaderboard')
export class Leaderboard extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: grid;
        grid-template-columns: 2.2em 1fr auto;
        gap: 0.5em;
        align-items: baseline;
        padding: 0.3em 0.4em;
        border-bottom: 1px solid var(--cc-surface-2);
      }
      li.you {
        background: var(--cc-accent-soft);
        font-weight: 700;
        border-radius: 6px;
      }
      .rank {
        font-variant-numeric: tabular-nums;
        color: var(--cc-muted);
        font-weight: 700;
      }
      .name {
        overflow-wrap: anywhere;
      }
      .total {
        font-variant-numeric: tabular-nums;
        font-weight: 700;
      }
      .empty {
        color: var(--cc-muted);
      }
    `,
  ];

  @property({ attribute: false }) rows: readonly LeaderRow[] = [];
  /** The viewer's cluster, highlighted. */
  @property() you: string | null = null;

  override render() {
    if (this.rows.length === 0) return html`<p class="empty">No scores yet.</p>`;
    return html`<ol data-testid="leaderboard">
      ${this.rows.map(
        (row) =>
          html`<li class=${row.clusterId === this.you ? 'you' : ''} data-testid="leader-row" data-cluster=${row.clusterId}>
            <span class="rank">#${row.rank}</span>
            <span class="name">${row.name}${row.clusterId === this.you ? html` <span class="hint">(you)</span>` : ''}</span>
            <span class="total">${points(row.total)}<span class="visually-hidden"> points</span></span>
          </li>`,
      )}
    </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-leaderboard': Leaderboard;
  }
}
