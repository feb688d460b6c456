import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConceptGain, Tally } from '../../../shared/learning/types.ts';
import { conceptInfo } from '../lib/concepts.ts';
import { base } from '../styles/shared.ts';
import './info-tip.ts';

/** "60 %" of a tally, with the counts for a tooltip; "–" when nobody answered. */
export const shareText = (t: Tally): string => (t.of === 0 ? '–' : `${Math.round((100 * t.correct) / t.of)}%`);

/** A normalised gain as "+0.50" or "−0.25"; "–" when it cannot be computed. */
export const gainText = (gain: number | null): string => {
  if (gain === null) return '–';
  const fixed = Math.abs(gain).toFixed(2);
  if (fixed === '0.00') return '0.00';
  return `${gain > 0 ? '+' : '−'}${fixed}`;
};

export const GAIN_TIP =
  'Normalised gain: of what the class did not know before, the share it learnt. +1.00 means every question missed before was right after; 0 means no change; below 0, fewer were right after. “–” when a check has no answers yet, or everything was right before.';

/**
 * The concept checks' results by concept: right before, right after, and the normalised gain.
 * Shows class figures (never a name): the teacher's console and the replay use it.
 */
@customElement('cc-check-gains')
export class CheckGains extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .empty {
        color: var(--cc-muted);
      }
      td.num small {
        display: block;
        color: var(--cc-muted);
        font-size: 0.75rem;
        font-weight: 400;
      }
      .gain {
        font-weight: 700;
      }
      .tip {
        margin-top: 0.4rem;
        font-size: 0.85rem;
      }
    `,
  ];

  @property({ attribute: false }) gains: readonly ConceptGain[] = [];
  /** The table's accessible name. */
  @property() label = 'Concept checks by concept';

  override render() {
    const answered = this.gains.some((g) => g.before.of > 0 || g.after.of > 0);
    if (!answered) return html`<p class="empty" data-testid="check-gains-empty">No answers to the concept checks yet.</p>`;
    return html`<table data-testid="check-gains" aria-label=${this.label}>
        <thead>
          <tr>
            <th scope="col">Concept</th>
            <th scope="col" class="num">Right before</th>
            <th scope="col" class="num">Right after</th>
            <th scope="col" class="num">Gain</th>
          </tr>
        </thead>
        <tbody>
          ${this.gains.map(
            (g) => html`<tr data-testid="check-gain-row" data-concept=${g.concept}>
              <th scope="row">${conceptInfo(g.concept).label}</th>
              <td class="num" data-testid="gain-before">${shareText(g.before)}<small>${g.before.correct} of ${g.before.of}</small></td>
              <td class="num" data-testid="gain-after">${shareText(g.after)}<small>${g.after.correct} of ${g.after.of}</small></td>
              <td class="num gain" data-testid="gain-value">${gainText(g.gain)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <p class="tip"><cc-info-tip .tip=${GAIN_TIP}>What does “gain” mean?</cc-info-tip></p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-check-gains': CheckGains;
  }
}
