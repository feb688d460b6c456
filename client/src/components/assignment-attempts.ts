import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Tally } from '../../../shared/learning/types.ts';
import type { AttemptProgress } from '../../../shared/protocol/assignments.ts';
import { clockText, points } from '../lib/format.ts';
import { base } from '../styles/shared.ts';
import './concept-tag.ts';

const tally = (t: Tally): string => (t.of > 0 ? `${t.correct}/${t.of}` : '–');

/** The attempts of an assignment, one row per student: how far, the server's score, what they missed, their checks. */
@customElement('cc-assignment-attempts')
export class AssignmentAttempts extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .wrap {
        overflow-x: auto;
      }
      table {
        min-width: 48rem;
      }
      progress {
        width: 6rem;
        vertical-align: middle;
      }
      .concepts {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
      }
      td.num {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .flag {
        display: block;
        font-size: 0.8rem;
        color: var(--cc-muted);
      }
    `,
  ];

  @property({ attribute: false }) attempts: readonly AttemptProgress[] = [];
  @property({ type: Number }) durationS = 0;
  @property({ type: Boolean }) checks = false;

  override render() {
    if (this.attempts.length === 0) return html`<p data-testid="no-attempts">Nobody has started yet. Share the link or the QR code with the class.</p>`;
    return html`<div class="wrap" tabindex="0" role="region" aria-label="Attempts">
      <table data-testid="attempts-table">
        <caption class="visually-hidden">Each student’s attempt</caption>
        <thead>
          <tr>
            <th scope="col">Nickname</th>
            <th scope="col">Progress</th>
            <th scope="col">Finished</th>
            <th scope="col">Score</th>
            <th scope="col">Ideas missed</th>
            ${this.checks ? html`<th scope="col">Check before → after</th>` : ''}
            <th scope="col">Replay</th>
          </tr>
        </thead>
        <tbody>
          ${this.attempts.map((a) => this._row(a))}
        </tbody>
      </table>
    </div>`;
  }

  private _row(a: AttemptProgress) {
    const atS = a.finished ? this.durationS : Math.min(a.atS, this.durationS);
    const claimedDiffers = a.result && typeof a.claimedTotal === 'number' && Math.abs(a.claimedTotal - a.result.total) >= 0.05;
    return html`<tr data-testid="attempt-row" data-nickname=${a.nickname} data-finished=${String(a.finished)}>
      <th scope="row">${a.nickname}</th>
      <td>
        <progress max=${this.durationS} .value=${atS} aria-label="${a.nickname}: simulated ${clockText(atS)} of ${clockText(this.durationS)}"></progress>
        <span class="flag">${a.finished ? 'played to the end' : `last move at ${clockText(atS)}`} · ${a.actions} ${a.actions === 1 ? 'move' : 'moves'}</span>
      </td>
      <td>${a.finished && a.finishedAtMs ? html`Yes <span class="flag">${new Date(a.finishedAtMs).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' })}</span>` : 'Not yet'}</td>
      <td class="num" data-testid="attempt-score">
        ${a.result ? points(a.result.total) : '–'}
        ${claimedDiffers ? html`<span class="flag" data-testid="claimed-differs">their screen said ${points(a.claimedTotal!)}</span>` : ''}
      </td>
      <td>
        ${a.result && a.result.concepts.length > 0
          ? html`<span class="concepts">${a.result.concepts.slice(0, 3).map((c) => html`<cc-concept-tag concept=${c.concept} title="${c.count}×"></cc-concept-tag>`)}</span>`
          : a.result
            ? 'None'
            : '–'}
      </td>
      ${this.checks ? html`<td data-testid="attempt-checks">${tally(a.checks.before)} → ${tally(a.checks.after)}</td>` : ''}
      <td>${a.finished && a.replayId ? html`<a href="/replay/${a.replayId}" target="_blank" rel="noopener" data-testid="attempt-replay-link">Replay<span class="visually-hidden"> of ${a.nickname}</span></a>` : '–'}</td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-assignment-attempts': AssignmentAttempts;
  }
}
