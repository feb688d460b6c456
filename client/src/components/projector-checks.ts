import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ProjectorChecks } from '../../../shared/views/types.ts';
import type { Tally } from '../../../shared/learning/types.ts';
import { conceptInfo } from '../lib/concepts.ts';
import { CONCEPT_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';

const share = (t: Tally): number | null => (t.of === 0 ? null : Math.round((100 * t.correct) / t.of));

/**
 * The class's concept checks on the projector at the debrief: per concept, the share of right
 * answers before the game and after it, as two labelled bars. Class figures only, never a name.
 */
@customElement('cc-projector-checks')
export class ProjectorChecksCard extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 0;
      }
      .card {
        background: var(--cc-surface);
        border: 2px solid var(--cc-border);
        border-radius: 16px;
        padding: 1.4vh 1.6vw;
      }
      h2 {
        font-size: 1.4em;
        display: flex;
        flex-wrap: wrap;
        gap: 0.2em 0.8em;
        align-items: baseline;
        margin: 0 0 0.4em;
      }
      h2 .who {
        font-size: 0.7em;
        color: var(--cc-muted);
        font-weight: 700;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(11em, 1fr));
        gap: 0.6em 1.6vw;
      }
      .concept {
        font-weight: 800;
        font-size: 1.1em;
        display: flex;
        gap: 0.35em;
        align-items: center;
        margin: 0 0 0.25em;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .line {
        display: grid;
        grid-template-columns: 4.2em minmax(0, 1fr) 3.2em;
        gap: 0.5em;
        align-items: center;
        font-weight: 700;
      }
      .line .what {
        color: var(--cc-muted);
      }
      .track {
        height: 0.9em;
        border-radius: 4px;
        background: var(--cc-surface-2);
        overflow: hidden;
      }
      .track span {
        display: block;
        height: 100%;
        border-radius: 4px;
      }
      .before .track span {
        background: repeating-linear-gradient(135deg, #8a94a8 0 6px, #6d778b 6px 12px);
      }
      .after .track span {
        background: #ffd66b;
      }
      .pct {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .after .pct {
        color: #ffd66b;
      }
    `,
  ];

  @property({ attribute: false }) checks: ProjectorChecks | null = null;

  override render() {
    const c = this.checks;
    if (!c) return html``;
    const line = (kind: 'before' | 'after', t: Tally) => {
      const pct = share(t);
      return html`<div class="line ${kind}">
        <span class="what">${kind === 'before' ? 'Before' : 'After'}</span>
        <span class="track" aria-hidden="true"><span style="width:${pct ?? 0}%"></span></span>
        <span class="pct">${pct === null ? '–' : `${pct}%`}</span>
      </div>`;
    };
    return html`<section class="card" aria-labelledby="checks-title" data-testid="projector-checks">
      <h2 id="checks-title">${icon('check')} What the class learnt <span class="who">right answers, the whole class · ${c.answered} of ${c.of} answered after</span></h2>
      <ul>
        ${c.concepts.map(
          (g) => html`<li data-testid="projector-check-concept" data-concept=${g.concept}>
            <p class="concept">${icon(CONCEPT_ICON[g.concept] ?? 'info')} ${conceptInfo(g.concept).label}</p>
            ${line('before', g.before)} ${line('after', g.after)}
          </li>`,
        )}
      </ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-checks': ProjectorChecksCard;
  }
}
