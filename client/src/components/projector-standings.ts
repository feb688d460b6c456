import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { FitController, reducedMotion } from './fit.ts';
import { base } from '../styles/shared.ts';
import './count-up.ts';

export interface StandingRow {
  readonly rank: number;
  readonly clusterId: string;
  readonly name: string;
  readonly total: number;
  /** Team mode: how many students play it. */
  readonly members?: number;
}

/** Each row's height, in em of the list: the count that fits is worked out from it. */
const ROW_EM = 2.05;
const MORE_EM = 1.9;
/** How long a rank change stays marked on the board. */
const MOVE_MS = 8000;

/**
 * The live standings on the projector: as many rows as fit the space it is given (never a
 * scrollbar), "and 48 more" for the rest, rank changes marked in words and, unless reduced
 * motion is asked for, rows sliding to their new place and points counting up.
 */
@customElement('cc-projector-standings')
export class ProjectorStandings extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        height: 100%;
        min-height: 0;
        overflow: hidden;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: grid;
        grid-template-columns: 2.6em minmax(0, 1fr) auto auto;
        gap: 0.6em;
        align-items: center;
        height: ${ROW_EM}em;
        padding: 0 0.5em;
        border-bottom: 2px solid var(--cc-surface-2);
      }
      li.lead {
        background: #3b2f0b;
        border-radius: 10px;
      }
      .rank {
        font-weight: 800;
        font-variant-numeric: tabular-nums;
        color: var(--cc-muted);
      }
      li.r1 .rank {
        color: #ffd66b;
      }
      li.r2 .rank {
        color: #e3e8f0;
      }
      li.r3 .rank {
        color: #f0b58a;
      }
      .name {
        font-weight: 700;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .members {
        color: var(--cc-muted);
        font-weight: 400;
        font-size: 0.75em;
      }
      .total {
        font-weight: 800;
        font-variant-numeric: tabular-nums;
      }
      .move {
        font-size: 0.7em;
        font-weight: 800;
        min-width: 3.2em;
        text-align: right;
        white-space: nowrap;
      }
      .move.up {
        color: #7ee2a0;
      }
      .move.down {
        color: #ffb0a8;
      }
      .more {
        margin: 0.3em 0 0;
        height: ${MORE_EM - 0.3}em;
        color: var(--cc-muted);
        font-weight: 700;
      }
      .empty {
        color: var(--cc-muted);
      }
      :host([plain]) .rank,
      :host([plain]) .total,
      :host([plain]) .move {
        display: none;
      }
      :host([plain]) li {
        grid-template-columns: minmax(0, 1fr);
        background: none;
      }
    `,
  ];

  @property({ attribute: false }) rows: readonly StandingRow[] = [];
  /** Rows the server did not send (below its top rows). */
  @property({ type: Number }) others = 0;
  /** What a row is: "clusters" or "teams". */
  @property() unit = 'clusters';
  /** Before the run (the lobby): names and member counts only, no ranks or points yet. */
  @property({ type: Boolean, reflect: true }) plain = false;

  private _fit = new FitController(this);
  private _lastRank = new Map<string, number>();
  private _moves = new Map<string, { delta: number; until: number }>();
  private _before = new Map<string, number>();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('rows')) return;
    const now = Date.now();
    for (const row of this.rows) {
      const last = this._lastRank.get(row.clusterId);
      if (last !== undefined && last !== row.rank) this._moves.set(row.clusterId, { delta: last - row.rank, until: now + MOVE_MS });
      this._lastRank.set(row.clusterId, row.rank);
    }
    // Where each row was, to slide it from there to its new place (FLIP).
    this._before.clear();
    for (const li of this.renderRoot.querySelectorAll<HTMLElement>('li[data-cluster]')) this._before.set(li.dataset.cluster!, li.offsetTop);
  }

  protected override updated(): void {
    if (this._before.size === 0 || reducedMotion()) return;
    for (const li of this.renderRoot.querySelectorAll<HTMLElement>('li[data-cluster]')) {
      const before = this._before.get(li.dataset.cluster!);
      const dy = before === undefined ? 0 : before - li.offsetTop;
      if (dy !== 0) li.animate([{ transform: `translateY(${dy}px)` }, { transform: 'none' }], { duration: 700, easing: 'cubic-bezier(.2,.8,.2,1)' });
    }
    this._before.clear();
  }

  override render() {
    if (this.rows.length === 0) return html`<p class="empty">No scores yet.</p>`;
    const total = this.rows.length + this.others;
    // Until the first measurement, show what the server sent; after it, what fits.
    const measured = this._fit.height > 0;
    const room = !measured ? this.rows.length : total <= this._fit.rows(ROW_EM) ? total : this._fit.rows(ROW_EM, MORE_EM);
    const shown = this.rows.slice(0, Math.min(room, this.rows.length));
    const rest = total - shown.length;
    const now = Date.now();
    return html`<ol data-testid="projector-standings" data-shown=${shown.length}>
        ${repeat(
          shown,
          (r) => r.clusterId,
          (r) => {
            const move = this._moves.get(r.clusterId);
            const moving = move && move.until > now ? move.delta : 0;
            return html`<li class="r${r.rank} ${r.rank === 1 && r === shown[0] ? 'lead' : ''}" data-testid="projector-row" data-cluster=${r.clusterId} data-rank=${r.rank}>
              <span class="rank">#${r.rank}</span>
              <span class="name"
                >${r.name}${r.members !== undefined ? html` <span class="members">· ${r.members} ${r.members === 1 ? 'player' : 'players'}</span>` : ''}</span
              >
              <span class="move ${moving > 0 ? 'up' : moving < 0 ? 'down' : ''}" data-testid="rank-move"
                >${moving > 0 ? html`▲${moving}<span class="visually-hidden"> up ${moving}</span>` : moving < 0 ? html`▼${-moving}<span class="visually-hidden"> down ${-moving}</span>` : ''}</span
              >
              <span class="total" data-testid="projector-points"><cc-count-up .value=${r.total}></cc-count-up><span class="visually-hidden"> points</span></span>
            </li>`;
          },
        )}
      </ol>
      ${rest > 0 ? html`<p class="more" data-testid="projector-more">and ${rest} more ${this.unit}</p>` : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-standings': ProjectorStandings;
  }
}
