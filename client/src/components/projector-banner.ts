import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ActiveEffectView, EventBanner } from '../../../shared/views/types.ts';
import { realDuration, realSeconds } from '../../../shared/views/pace.ts';
import { clockText } from '../lib/format.ts';
import { EVENT_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';

/**
 * The room's events on the projector: the newest one big, sliding in, with what it did to the
 * class ("12 of 28 clusters breached"); the ones before it smaller; the effects still running with
 * their real time left.
 */
@customElement('cc-projector-banner')
export class ProjectorBanner extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 0.6em;
        min-height: 0;
        overflow: hidden;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5em;
      }
      .banner {
        border-left: 0.45em solid var(--cc-warn);
        background: var(--cc-warn-soft);
        border-radius: 12px;
        padding: 0.45em 0.8em;
        animation: slide-in 0.6s cubic-bezier(0.2, 0.8, 0.2, 1) both;
      }
      .banner.latest {
        border-left-color: var(--cc-danger);
        background: var(--cc-danger-soft);
        padding: 0.7em 1em;
        animation: slide-in 0.6s cubic-bezier(0.2, 0.8, 0.2, 1) both, flash 1.4s ease-out 0.6s 2;
      }
      .title {
        font-weight: 800;
        display: flex;
        gap: 0.4em;
        align-items: center;
      }
      .latest .title {
        font-size: 1.7em;
        line-height: 1.15;
      }
      .detail {
        margin-top: 0.2em;
      }
      .banner:not(.latest) .detail {
        display: none;
      }
      .impact {
        margin-top: 0.4em;
        font-size: 1.35em;
        font-weight: 800;
        display: flex;
        flex-wrap: wrap;
        gap: 0.2em 0.6em;
        align-items: center;
      }
      .banner:not(.latest) .impact {
        font-size: 1em;
      }
      .gauge {
        flex: 1 1 6em;
        height: 0.6em;
        border-radius: 999px;
        background: rgb(255 255 255 / 22%);
        overflow: hidden;
      }
      .gauge span {
        display: block;
        height: 100%;
        background: var(--cc-danger);
      }
      .when {
        color: var(--cc-muted);
        font-size: 0.8em;
      }
      .effects li {
        background: var(--cc-surface-2);
        border-radius: 10px;
        padding: 0.3em 0.7em;
      }
      .effects .unit {
        color: var(--cc-muted);
        font-size: 0.85em;
      }
      .empty {
        color: var(--cc-muted);
        margin: 0;
      }
      @keyframes slide-in {
        from {
          transform: translateX(40%);
          opacity: 0;
        }
        to {
          transform: none;
          opacity: 1;
        }
      }
      @keyframes flash {
        0%,
        100% {
          box-shadow: 0 0 0 0 transparent;
        }
        30% {
          box-shadow: 0 0 0 0.3em rgb(255 156 148 / 70%);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .banner,
        .banner.latest {
          animation: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) banners: readonly EventBanner[] = [];
  @property({ attribute: false }) effects: readonly ActiveEffectView[] = [];
  @property({ attribute: false }) appNames: ReadonlyMap<string, string> = new Map();
  @property({ type: Number }) timeS = 0;
  @property({ type: Number }) speed = 1;

  override render() {
    const newest = [...this.banners].reverse();
    const latest = newest[0]?.seq;
    return html`
      ${newest.length === 0
        ? html`<p class="empty">No events yet. Your teacher can send one at any moment…</p>`
        : html`<ul aria-live="polite" data-testid="projector-banners">
            ${repeat(
              newest,
              (b) => b.seq,
              (b) =>
                html`<li class="banner ${b.seq === latest ? 'latest' : ''}" data-testid="event-banner" data-type=${b.type} data-seq=${b.seq}>
                  <div class="title">${icon(EVENT_ICON[b.type] ?? 'warning')} ${b.title}</div>
                  <div class="detail">${b.detail}</div>
                  ${b.impact
                    ? html`<div class="impact" data-testid="banner-impact">
                        <span>${b.impact.text}</span>
                        ${b.impact.of > 0 ? html`<span class="gauge" aria-hidden="true"><span style="width:${Math.min(100, (b.impact.affected / b.impact.of) * 100)}%"></span></span>` : ''}
                      </div>`
                    : ''}
                  <div class="when">at ${clockText(b.atS)} of the scenario${b.source === 'teacher' ? ' · sent by your teacher' : ''}</div>
                </li>`,
            )}
          </ul>`}
      ${this.effects.length > 0
        ? html`<ul class="effects" data-testid="projector-effects" aria-label="Active effects">
            ${this.effects.map(
              (e) =>
                html`<li>
                  ${icon(EVENT_ICON[e.type] ?? 'spike')} ${e.type === 'trafficSpike' ? 'Demand' : 'CPU use'} of <strong>${this.appNames.get(e.appId) ?? e.appId}</strong> ×${e.factor}:
                  ${realDuration(realSeconds(Math.max(0, e.untilS - this.timeS), this.speed))} left <span class="unit">(real time)</span>
                </li>`,
            )}
          </ul>`
        : ''}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-banner': ProjectorBanner;
  }
}
