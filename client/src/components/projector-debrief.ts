import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ProjectorView } from '../../../shared/views/types.ts';
import { conceptInfo } from '../lib/concepts.ts';
import { POLICY_LABEL, points } from '../lib/format.ts';
import { CONCEPT_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import type { StandingRow } from './projector-standings.ts';
import { FitController } from './fit.ts';
import './podium.ts';

/**
 * The debrief on the projector: the podium, the idea the class missed most (with its
 * explanation, to talk about), and how the class's best plan compares with the reference plans.
 */
@customElement('cc-projector-debrief')
export class ProjectorDebrief extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1.05fr);
        gap: 2vh 2vw;
        min-height: 0;
        height: 100%;
      }
      .card {
        background: var(--cc-surface);
        border: 2px solid var(--cc-border);
        border-radius: 16px;
        padding: 1.8vh 1.6vw;
        min-height: 0;
        overflow: hidden;
      }
      .podium {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
      }
      .side {
        display: grid;
        grid-template-rows: auto auto minmax(0, 1fr);
        gap: 2vh;
        min-height: 0;
      }
      .lesson p {
        margin: 0 0 0.5em;
      }
      /* Shown only whole: a lesson cut off at the bottom of the screen would be worse than none. */
      .lesson.cut {
        visibility: hidden;
      }
      h2 {
        font-size: 1.4em;
        display: flex;
        gap: 0.4em;
        align-items: center;
      }
      .concept {
        font-size: 1.6em;
        font-weight: 900;
        margin: 0 0 0.2em;
        display: flex;
        gap: 0.4em;
        align-items: center;
      }
      .count {
        color: var(--cc-muted);
        font-size: 0.55em;
        font-weight: 700;
      }
      .explain {
        font-size: 1.05em;
        margin: 0;
      }
      table {
        font-size: 1.05em;
      }
      td,
      th {
        padding: 0.3em 0.4em;
        border-bottom: 2px solid var(--cc-surface-2);
        vertical-align: middle;
      }
      tr.class th,
      tr.class td {
        color: #ffd66b;
        font-weight: 800;
      }
      .bar {
        width: 40%;
      }
      .bar span {
        display: block;
        height: 0.8em;
        border-radius: 4px;
        background: var(--cc-accent);
      }
      tr.class .bar span {
        background: #ffd66b;
      }
      .muted {
        color: var(--cc-muted);
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) view: ProjectorView | null = null;
  /** The podium's rows: teams in team mode, else clusters. */
  @property({ attribute: false }) rows: readonly StandingRow[] = [];
  /** The scenario's debrief text; its first paragraph is shown when it fits whole. */
  @property() lesson = '';

  /** Renders again when the screen changes size, so the lesson is measured again. */
  protected readonly fit = new FitController(this);

  protected override updated(): void {
    const card = this.renderRoot.querySelector<HTMLElement>('.lesson');
    const text = card?.querySelector<HTMLElement>('p');
    if (!card || !text) return;
    // Visibility, not display: hiding it keeps the layout, so measuring again gives the same answer.
    const padding = parseFloat(getComputedStyle(card).paddingBottom) || 0;
    card.classList.toggle('cut', text.offsetTop + text.offsetHeight > card.clientHeight - padding + 1);
  }

  override render() {
    const v = this.view;
    if (!v) return html``;
    return html`
      <section class="card podium" aria-labelledby="podium-title">
        <h2 id="podium-title">${icon('trophy')} ${v.mode === 'teams' ? 'Top teams' : 'Top of the class'}</h2>
        <cc-podium .rows=${this.rows}></cc-podium>
      </section>
      <div class="side">
        <section class="card" aria-labelledby="missed-title" data-testid="most-missed" data-concept=${v.mostMissed?.concept ?? ''}>
          <h2 id="missed-title">The idea the class missed most</h2>
          ${v.mostMissed
            ? html`<p class="concept">
                  ${icon(CONCEPT_ICON[v.mostMissed.concept] ?? 'info')} ${conceptInfo(v.mostMissed.concept).label}
                  <span class="count">${v.mostMissed.count} ${v.mostMissed.count === 1 ? 'time' : 'times'}</span>
                </p>
                <p class="explain" data-testid="most-missed-explain">${conceptInfo(v.mostMissed.concept).explain}</p>`
            : html`<p class="muted">Nothing went wrong often enough to stand out. Well played!</p>`}
        </section>
        <section class="card" aria-labelledby="refs-title" data-testid="projector-references">${this._references()}</section>
        ${this.lesson
          ? html`<section class="card lesson" aria-labelledby="lesson-title" data-testid="projector-lesson">
              <h2 id="lesson-title">${icon('info')} The lesson</h2>
              <p>${this.lesson.split(/\n\s*\n/)[0]}</p>
            </section>`
          : ''}
      </div>
    `;
  }

  private _references() {
    const v = this.view!;
    const best = this.rows[0];
    const title = html`<h2 id="refs-title">Class best against the reference plans</h2>`;
    // The server computes them over the seconds played: a run stopped at 0:00 has none to wait for.
    if (v.references === null && v.room.timeS <= 0) return html`${title}<p class="muted">The run stopped before its clock started: there is nothing to compare.</p>`;
    if (v.references === null) return html`${title}<p class="muted" role="status">Working out the reference plans…</p>`;
    const rows = [
      ...(best ? [{ key: 'class', label: `Class best: ${best.name}`, total: best.total }] : []),
      ...v.references.map((r) => ({ key: r.policy, label: POLICY_LABEL[r.policy] ?? r.policy, total: r.total })),
    ].sort((a, b) => b.total - a.total);
    if (rows.length === 0) return html`${title}<p class="muted">The reference plans could not be worked out this time.</p>`;
    const max = Math.max(1, ...rows.map((r) => r.total));
    return html`${title}
      <table>
        <caption class="visually-hidden">Scores of the class's best plan and of the reference plans</caption>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr class=${r.key === 'class' ? 'class' : ''} data-testid="projector-reference" data-policy=${r.key}>
                <th scope="row">${r.label}</th>
                <td class="bar" aria-hidden="true"><span style="width:${Math.max(2, (Math.max(0, r.total) / max) * 100)}%"></span></td>
                <td class="num">${points(r.total)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-debrief': ProjectorDebrief;
  }
}
