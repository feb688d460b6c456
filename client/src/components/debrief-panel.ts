import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RoomStatic, StudentView } from '../../../shared/views/types.ts';
import { POLICY_LABEL, clockText, points } from '../lib/format.ts';
import { base } from '../styles/shared.ts';
import './reference-table.ts';

/** The end of a scenario: its lesson, and this player's plan against the reference policies. */
@customElement('cc-debrief-panel')
export class DebriefPanel extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .lesson p {
        max-width: 46em;
        font-size: 1.05rem;
      }
      .final {
        font-size: 1.2rem;
      }
    `,
  ];

  @property({ attribute: false }) room: RoomStatic | null = null;
  @property({ attribute: false }) view: StudentView | null = null;

  override render() {
    const { room, view } = this;
    if (!room || !view) return html``;
    const paragraphs = room.scenario.debrief.split(/\n\s*\n/).filter((p) => p.trim());
    const refs = view.references ?? [];
    const rows = [
      { key: 'mine', label: `Your cluster (${view.you.teamName ?? view.you.nickname})`, total: view.score.total, availability: view.score.availability, cost: view.score.cost, security: view.score.security },
      ...refs.map((r) => ({ key: r.policy, label: POLICY_LABEL[r.policy] ?? r.policy, total: r.total, availability: r.availability, cost: r.cost, security: r.security })),
    ];
    const beaten = refs.filter((r) => view.score.total > r.total).length;
    return html`<section class="panel" aria-labelledby="debrief-title" data-testid="debrief">
      <h2 id="debrief-title">Debrief: what this scenario teaches</h2>
      <p class="final" data-testid="debrief-rank">
        You finished <strong>#${view.rank}</strong> of ${view.of} with <strong>${points(view.score.total)}</strong> points${refs.length > 0
          ? html`, ahead of ${beaten} of the ${refs.length} reference plans`
          : ''}.
      </p>
      <div class="lesson" data-testid="debrief-lesson">${paragraphs.map((p) => html`<p>${p}</p>`)}</div>
      <h3>How your plan compares</h3>
      ${refs.length > 0 ? html`<p class="hint" data-testid="debrief-references-note">${this._referencesNote(room, view)}</p>` : ''}
      ${refs.length === 0
        ? html`<p class="hint" data-testid="debrief-references-pending">
            ${view.references === null && view.room.timeS <= 0
              ? 'The run stopped before its clock started, so there is nothing to compare your plan with.'
              : view.references === null
              ? 'The reference plans are still being computed.'
              : 'The reference plans could not be computed for this scenario in the time the server allows (it is very large), so there is nothing to compare with this time.'}
          </p>`
        : html`<cc-reference-table .rows=${rows} tableId="debrief-references" rowId="reference-row" mineKey="you"></cc-reference-table>`}
    </section>`;
  }

  /**
   * What the reference plans lived through, truthfully: the server runs them over the seconds this
   * session played, on its seed, with the scenario's events and the ones the teacher sent.
   */
  private _referencesNote(room: RoomStatic, view: StudentView): string {
    const { timeS } = view.room;
    const span = timeS < room.scenario.durationS ? `over the simulated ${clockText(timeS)} this session lasted` : `over the whole scenario (simulated ${clockText(timeS)})`;
    const sent = view.banners.some((b) => b.source === 'teacher');
    const events = sent ? "with the same events, your teacher's included" : 'with the same events';
    return `The reference plans ran ${span}, on the same hosts and seed, ${events}.`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-debrief-panel': DebriefPanel;
  }
}
