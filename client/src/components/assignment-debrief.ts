import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ReferenceScore } from '../../../shared/engine/references.ts';
import type { AttemptResult } from '../../../shared/protocol/assignments.ts';
import { POLICY_LABEL, points } from '../lib/format.ts';
import { base } from '../styles/shared.ts';
import type { ReferenceRow } from './reference-table.ts';
import './reference-table.ts';
import './concept-tag.ts';

/**
 * The end of a self-paced attempt: the server's score (the one the teacher sees), the scenario's
 * lesson, the reference plans on the same seed, the ideas the run tripped over, and the replay.
 */
@customElement('cc-assignment-debrief')
export class AssignmentDebrief extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .total {
        font-size: 2.4rem;
        font-weight: 800;
        line-height: 1.1;
        margin: 0.2rem 0;
      }
      .parts {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem 1.2rem;
        padding: 0;
        margin: 0 0 0.6rem;
        list-style: none;
      }
      .lesson p {
        max-width: 46em;
        font-size: 1.05rem;
      }
      .concepts {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.35rem;
      }
      .concepts li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        align-items: baseline;
      }
      section + section {
        margin-top: 1rem;
      }
    `,
  ];

  @property() nickname = '';
  /** The scenario's lesson, paragraphs separated by a blank line. */
  @property() debrief = '';
  @property({ attribute: false }) result: AttemptResult | null = null;
  /** What the student's screen showed at the end (the server's re-run is what counts). */
  @property({ type: Number }) localTotal: number | null = null;
  /** Null while they are computed. */
  @property({ attribute: false }) references: readonly ReferenceScore[] | null = null;
  @property() replayId: string | null = null;

  override render() {
    const r = this.result;
    if (!r) return html`<section class="panel" role="status" data-testid="finishing"><p>Scoring your run…</p></section>`;
    const differs = this.localTotal !== null && Math.abs(Math.round(this.localTotal * 10) - Math.round(r.total * 10)) >= 1;
    const paragraphs = this.debrief.split(/\n\s*\n/).filter((p) => p.trim());
    return html`<section class="panel" aria-labelledby="result-title" data-testid="assignment-result">
        <h2 id="result-title">Your result</h2>
        <p class="total" data-testid="server-total">${points(r.total)} <span class="hint">points</span></p>
        <ul class="parts" aria-label="Score parts">
          <li>Availability <strong>${points(r.availability)}</strong></li>
          <li>Cost <strong>${points(r.cost)}</strong></li>
          <li>Security <strong>${points(r.security)}</strong></li>
        </ul>
        <p class="hint">The server re-ran your moves to score them: this is the score your teacher sees.</p>
        ${differs
          ? html`<p data-testid="score-differs">Your screen showed ${points(this.localTotal!)} points at the end; the server’s re-run gives ${points(r.total)}. The server’s score is the one that counts.</p>`
          : ''}
        ${this.replayId ? html`<p><a class="button" href="/replay/${this.replayId}" data-testid="attempt-replay">Watch the replay of your run</a></p>` : ''}
      </section>
      <section class="panel" aria-labelledby="lesson-title">
        <h2 id="lesson-title">What this scenario teaches</h2>
        <div class="lesson" data-testid="debrief-lesson">${paragraphs.map((p) => html`<p>${p}</p>`)}</div>
      </section>
      <section class="panel" aria-labelledby="compare-title">
        <h2 id="compare-title">How your plan compares</h2>
        ${this.references === null
          ? html`<p class="hint" role="status" data-testid="references-pending">Working out how the reference plans do on the same scenario…</p>`
          : this.references.length === 0
            ? html`<p class="hint">The reference plans could not be worked out for this scenario, so there is nothing to compare with.</p>`
            : html`<cc-reference-table .rows=${this._rows(r)} tableId="assignment-references" mineKey="you"></cc-reference-table>`}
      </section>
      <section class="panel" aria-labelledby="missed-title">
        <h2 id="missed-title">Ideas to look at again</h2>
        ${r.concepts.length === 0
          ? html`<p data-testid="no-missed">${this._beaten(r.total)
              ? 'The game refused none of your moves and nothing broke, yet a reference plan scored more: most often that is apps left unplaced, or too few replicas to serve the demand. Compare your availability with theirs in the table above.'
              : 'None: the game refused none of your moves, nothing went wrong in your cluster, and no reference plan did better.'}</p>`
          : html`<p class="hint">Moves the game refused, and things that went wrong in your cluster, by the idea behind them. Open one to read why.</p>
              <ul class="concepts" data-testid="missed-concepts">
                ${r.concepts.map((c) => html`<li><cc-concept-tag concept=${c.concept}></cc-concept-tag> <span>${c.count}×</span></li>`)}
              </ul>`}
      </section>`;
  }

  /** Whether a reference plan scored more than the student. */
  private _beaten(total: number): boolean {
    return (this.references ?? []).some((p) => p.total > total);
  }

  private _rows(r: AttemptResult): ReferenceRow[] {
    return [
      { key: 'mine', label: `Your plan (${this.nickname})`, total: r.total, availability: r.availability, cost: r.cost, security: r.security },
      ...(this.references ?? []).map((p) => ({ key: p.policy, label: POLICY_LABEL[p.policy] ?? p.policy, total: p.total, availability: p.availability, cost: p.cost, security: p.security })),
    ];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-assignment-debrief': AssignmentDebrief;
  }
}
