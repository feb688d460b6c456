import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { InstanceView, ScoreView } from '../../../shared/views/types.ts';
import { credits, pct, points } from '../lib/format.ts';
import { icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import './count-up.ts';
import './info-tip.ts';

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
      .app.breached .name {
        text-decoration: line-through;
        text-decoration-thickness: 2px;
      }
      .app.breached .served {
        color: var(--cc-danger);
        font-weight: 700;
      }
      /* A breached app is not "all good", however much demand it answers: red, hatched, and in words. */
      .app.breached .meter > span {
        background: repeating-linear-gradient(135deg, var(--cc-danger) 0 4px, var(--cc-danger-soft) 4px 8px);
      }
      .served-head {
        display: flex;
        align-items: center;
        gap: 0.4rem;
        margin: 0 0 0.3rem;
        font-weight: 700;
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) score: ScoreView | null = null;
  @property({ attribute: false }) appNames: ReadonlyMap<string, string> = new Map();
  /** The cluster's instances: an app with a breached one is shown as breached. */
  @property({ attribute: false }) instances: readonly InstanceView[] = [];
  /** The budget for the whole run (the score's budget is the share for the time so far). */
  @property({ type: Number }) budget = 0;
  /** Count the total up to each new score, as the student's bar does (the live board; a replay or the watch panel jumps). */
  @property({ type: Boolean }) animated = false;

  override render() {
    const s = this.score;
    if (!s) return html``;
    const spendShare = s.budget > 0 ? s.spend / s.budget : 0;
    const breached = new Set(this.instances.filter((i) => i.breached || i.status === 'breached').map((i) => i.appId));
    return html`
      <div data-testid="score-total"><span class="total">${this.animated ? html`<cc-count-up .value=${s.total}></cc-count-up>` : points(s.total)}</span> points</div>
      <dl class="parts" data-testid="score-breakdown">
        <div class="part"><dt>Availability</dt><dd data-testid="score-availability">${points(s.availability)}</dd></div>
        <div class="part"><dt>Cost</dt><dd data-testid="score-cost">${points(s.cost)}</dd></div>
        <div class="part"><dt>Security</dt><dd data-testid="score-security">${points(s.security)}</dd></div>
      </dl>
      <div class="spend" data-testid="score-spend">
        <div class="line">
          <span>Spent</span><span>${s.budget > 0 ? `${credits(s.spend)} of ${credits(s.budget)} budgeted so far` : 'nothing yet: the bill starts with the clock'}</span>
        </div>
        <div class="meter ${spendShare > 1 ? 'over' : ''}" role="img" aria-label="${pct(spendShare)} of the budget spent">
          <span style="width:${Math.min(100, spendShare * 100)}%"></span>
        </div>
        ${this.budget > 0 ? html`<div class="hint">Budget for the whole run: ${credits(this.budget)}</div>` : ''}
      </div>
      <p class="served-head">
        Served per app
        <cc-info-tip
          data-testid="served-tip"
          tip="Served: the share of each app's demand (its users' requests) that its running replicas answered, this second and so far. Booting, down or overloaded replicas answer less."
          >what is served?</cc-info-tip
        >
      </p>
      <ul aria-label="Demand served per app">
        ${s.apps.map((a) => {
          const bad = breached.has(a.appId);
          return html`<li class="app ${bad ? 'breached' : ''}" data-testid="app-availability" data-app=${a.appId} data-breached=${String(bad)}>
            <div class="line">
              <span class="name">${this.appNames.get(a.appId) ?? 'App'}</span
              ><span class="served" data-testid="app-served"
                >${bad ? html`${icon('breach')} breached · ` : ''}${pct(a.availability)} served</span
              >
            </div>
            <div class="meter" role="img" aria-label="${pct(a.availability)} of demand served${bad ? ', but breached' : ''}">
              <span style="width:${Math.min(100, a.availability * 100)}%"></span>
            </div>
          </li>`;
        })}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-score-panel': ScorePanel;
  }
}
