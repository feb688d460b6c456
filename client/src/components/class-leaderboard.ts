import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { TeacherRow } from '../../../shared/views/types.ts';
import { points } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

/** The whole class ranked, with each cluster's score broken down and who plays it. */
@customElement('cc-class-leaderboard')
export class ClassLeaderboard extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .wrap {
        overflow-x: auto;
        max-height: 28rem;
        overflow-y: auto;
      }
      .members {
        display: block;
        font-size: 0.8rem;
        color: var(--cc-muted);
      }
      .empty,
      .more {
        color: var(--cc-muted);
      }
      .more {
        margin: 0 0 0.5rem;
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) rows: readonly TeacherRow[] = [];
  /** How many clusters are ranked: more than the rows shown in a big class. */
  @property({ type: Number }) ranked = 0;
  /** In the lobby: how many are ready, of `ranked`. */
  @property({ type: Number }) readyCount = 0;
  /** Before the start: who is ready matters then, and only then. */
  @property({ type: Boolean }) lobby = false;

  override render() {
    if (this.rows.length === 0) return html`<p class="empty">No clusters yet.</p>`;
    // Above the scroll box, so a big class's teacher reads it without scrolling the table.
    const more =
      this.ranked > this.rows.length
        ? html`<p class="more" data-testid="leaderboard-more">The top ${this.rows.length} of ${this.ranked.toLocaleString('en')} clusters${this.lobby ? html` · ${this.readyCount.toLocaleString('en')} ready` : ''}.</p>`
        : '';
    return html`${more}<div class="wrap" tabindex="0" role="region" aria-label="Leaderboard table">
      <table data-testid="class-leaderboard">
        <caption class="visually-hidden">Leaderboard with score breakdown</caption>
        <thead>
          <tr>
            <th scope="col" class="num">#</th>
            <th scope="col">Cluster</th>
            <th scope="col" class="num">Total</th>
            <th scope="col" class="num">Avail.</th>
            <th scope="col" class="num">Cost</th>
            <th scope="col" class="num">Security</th>
            ${this.lobby ? html`<th scope="col">Ready</th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${this.rows.map(
            (r) =>
              html`<tr data-testid="class-leader-row" data-cluster=${r.clusterId}>
                <td class="num">${r.rank}</td>
                <th scope="row">${r.name}${r.members.length > 1 || (r.members[0] && r.members[0] !== r.name) ? html`<span class="members">${r.members.join(', ')}</span>` : ''}</th>
                <td class="num"><strong>${points(r.total)}</strong></td>
                <td class="num">${points(r.availability)}</td>
                <td class="num">${points(r.cost)}</td>
                <td class="num">${points(r.security)}</td>
                ${this.lobby ? html`<td>${r.ready ? 'ready' : html`<span class="hint">not yet</span>`}</td>` : ''}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-class-leaderboard': ClassLeaderboard;
  }
}
