import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { IncidentView } from '../../../shared/views/types.ts';
import { EVENT_LABEL, clockText, points } from '../lib/format.ts';
import { EVENT_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';
import './concept-tag.ts';

/** What happened to one cluster, newest first: what kind of incident, when, what it cost, the story and the concept that explains it. */
@customElement('cc-incident-list')
export class IncidentList extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      li {
        border: 1px solid var(--cc-border);
        border-left: 6px solid var(--cc-info);
        border-radius: 6px;
        padding: 0.45rem 0.65rem;
        background: var(--cc-surface);
      }
      li.cost {
        border-left-color: var(--cc-danger);
      }
      li.oomKill,
      li.dataLoss {
        border-left-color: var(--cc-danger);
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        align-items: baseline;
        justify-content: space-between;
      }
      .title {
        font-weight: 700;
      }
      .when,
      .pts {
        font-size: 0.85em;
        color: var(--cc-muted);
        font-variant-numeric: tabular-nums;
      }
      .pts.lost {
        color: var(--cc-danger);
        font-weight: 700;
      }
      .msg {
        margin: 0.3rem 0;
      }
      .empty {
        color: var(--cc-muted);
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) incidents: readonly IncidentView[] = [];

  override render() {
    if (this.incidents.length === 0) return html`<p class="empty">No incidents so far.</p>`;
    const newest = [...this.incidents].reverse();
    return html`<ol data-testid="incidents">
      ${repeat(
        newest,
        (i) => i.seq,
        (i) =>
          html`<li class="${i.points < 0 ? 'cost' : ''} ${i.type}" data-testid="incident" data-type=${i.type} data-concept=${i.concept}>
            <div class="head">
              <span class="title" data-testid="incident-title">${icon(EVENT_ICON[i.type] ?? 'warning')} ${EVENT_LABEL[i.type] ?? i.type}</span>
              <span class="when">at simulated ${clockText(i.atS)}${i.points < 0 ? html` · <span class="pts lost">${points(i.points)} points</span>` : ''}</span>
            </div>
            <p class="msg">${i.message}</p>
            <cc-concept-tag concept=${i.concept}></cc-concept-tag>
          </li>`,
      )}
    </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-incident-list': IncidentList;
  }
}
