import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ScoreView } from '../../../shared/views/types.ts';
import { money, pct, points } from '../lib/format.ts';
import { base } from '../styles/shared.ts';

/** A cluster's score: the three parts, spend against budget, and how well each app is served. */
@customElement('cc-score-panel')
export class ScorePanel extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .total {
        font-size: 2rem;
        font-weight: 800;
        font-variant-numeric: tabular-nums;
        line-height: 1;
      }
      .parts {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 0.4rem;
        margin: 0.6rem 0;
      }
      .part {
        background: var(--cc-surface-2);
        border-radius: 6px;
        padding: 0.3rem 0.45rem;
      }
      .part dt {
        font-size: 0.75rem;
        text-transform: uppercase;
        letter-spacing: 0.03em;
        color: var(--cc-muted);
        font-weight: 700;
      }
      .part dd {
        margin: 0;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      .meter {
        height: 0.6rem;
        background: var(--cc-surface-2);
        border: 1px solid var(--cc-border);
        border-radius: 999px;
        overflow: hidden;
      }
      .meter > span {
        display: block;
        height: 100%;
        background: var(--cc-ok);
      }
      .meter.over > span {
        background: var(--cc-danger);
      }
      .spend {
        margin-bottom: 0.6rem;
      }
      .line {
        display: flex;
        justify-content: space-between;
        gap: 0.5rem;
        font-size: 0.9rem;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.35rem;
      }
      .app .name {
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) score: ScoreView | null = null;
  @property({ attribute: false }) appNames: ReadonlyMap<string, string> = new Map();
  /** The budget for the whole run (the score's budget is the share for the time so far). */
  @property({ type: Number }) budget = 0;

  override render() {
    const s = this.score;
    if (!s) return html``;
    const spendShare = s.budget > 0 ? s.spend / s.budget : 0;
    return html`
      <div data-testid="score-total"><span class="total">${points(s.total)}</span> points</div>
      <dl class="parts" data-testid="score-breakdown">
        <div class="part"><dt>Availability</dt><dd data-testid="score-availability">${points(s.availability)}</dd></div>
        <div class="part"><dt>Cost</dt><dd data-testid="score-cost">${points(s.cost)}</dd></div>
        <div class="part"><dt>Security</dt><dd data-testid="score-security">${points(s.security)}</dd></div>
      </dl>
      <div class="spend" data-testid="score-spend">
        <div class="line">
          <span>Spent</span><span>${s.budget > 0 ? `${money(s.spend)} of ${money(s.budget)} budgeted so far` : 'nothing yet: the bill starts with the clock'}</span>
        </div>
        <div class="meter ${spendShare > 1 ? 'over' : ''}" role="img" aria-label="${pct(spendShare)} of the budget spent">
          <span style="width:${Math.min(100, spendShare * 100)}%"></span>
        </div>
        ${this.budget > 0 ? html`<div class="hint">Budget for the whole run: ${money(this.budget)}</div>` : ''}
      </div>
      <ul aria-label="Demand served per app">
        ${s.apps.map(
          (a) =>
            html`<li class="app" data-testid="app-availability" data-app=${a.appId}>
              <div class="line">
                <span class="name">${this.appNames.get(a.appId) ?? a.appId}</span><span>${pct(a.availability)} served</span>
              </div>
              <div class="meter" role="img" aria-label="${pct(a.availability)} of demand served">
                <span style="width:${Math.min(100, a.availability * 100)}%"></span>
              </div>
            </li>`,
        )}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-score-panel': ScorePanel;
  }
}
