import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { points } from '../lib/format.ts';
import { icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import type { StandingRow } from './projector-standings.ts';

const PLACE = ['1st', '2nd', '3rd'] as const;

/** The debrief's top three on steps (2nd, 1st, 3rd), each with its place in words, not only height. */
@customElement('cc-podium')
export class Podium extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 0;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        height: 100%;
        display: grid;
        grid-template-columns: repeat(3, minmax(0, 1fr));
        align-items: end;
        gap: 0.6em;
      }
      li {
        display: flex;
        flex-direction: column;
        align-items: stretch;
        justify-content: flex-end;
        text-align: center;
        min-width: 0;
        height: 100%;
      }
      .who {
        font-weight: 800;
        font-size: 1.35em;
        line-height: 1.15;
        overflow-wrap: anywhere;
        margin-bottom: 0.2em;
      }
      .members {
        display: block;
        font-size: 0.6em;
        font-weight: 400;
        color: var(--cc-muted);
      }
      .score {
        font-variant-numeric: tabular-nums;
        font-weight: 700;
        margin-bottom: 0.3em;
      }
      .step {
        border-radius: 14px 14px 0 0;
        display: flex;
        flex-direction: column;
        align-items: center;
        justify-content: flex-start;
        padding-top: 0.4em;
        font-size: 1.6em;
        font-weight: 900;
        color: #14171c;
        transform-origin: bottom;
        animation: rise 0.9s cubic-bezier(0.2, 0.8, 0.2, 1) both;
      }
      .tie {
        font-size: 0.5em;
        font-weight: 700;
      }
      .step .icon {
        width: 1.3em;
        height: 1.3em;
      }
      li.p1 .step {
        height: 46%;
        background: #ffd66b;
        animation-delay: 0.6s;
      }
      li.p2 .step {
        height: 32%;
        background: #d5dbe6;
        animation-delay: 0.3s;
      }
      li.p3 .step {
        height: 22%;
        background: #e8a977;
      }
      @keyframes rise {
        from {
          transform: scaleY(0);
        }
        to {
          transform: none;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .step {
          animation: none;
        }
      }
      .empty {
        color: var(--cc-muted);
      }
    `,
  ];

  /** The top rows, best first (at most three are shown). */
  @property({ attribute: false }) rows: readonly StandingRow[] = [];

  override render() {
    const top = this.rows.slice(0, 3);
    if (top.length === 0) return html`<p class="empty">Nobody played this time.</p>`;
    // Steps read left to right as 2nd, 1st, 3rd; the list order stays 1st, 2nd, 3rd for screen readers.
    const order = [1, 0, 2];
    return html`<ol data-testid="podium" aria-label="Podium">
      ${top.map(
        (r, i) =>
          html`<li class="p${i + 1}" style="grid-column:${order.indexOf(i) + 1};grid-row:1" data-testid="podium-place" data-place=${i + 1}>
            <span class="who"
              >${r.name}${r.members !== undefined ? html`<span class="members">${r.members} ${r.members === 1 ? 'player' : 'players'}</span>` : ''}</span
            >
            <span class="score">${points(r.total)} points</span>
            <span class="step">${i === 0 ? icon('trophy') : ''}${PLACE[r.rank - 1] ?? PLACE[i]}${r.rank !== i + 1 || top.some((o) => o !== r && o.rank === r.rank) ? html`<span class="tie">tie</span>` : ''}</span>
          </li>`,
      )}
    </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-podium': Podium;
  }
}
