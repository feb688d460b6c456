import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ActiveEffectView, EventBanner } from '../../../shared/views/types.ts';
import { clockText, realLeft } from '../lib/format.ts';
import { EVENT_ICON, icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';

/** The room's events as banners (newest first) and the effects still running. */
@customElement('cc-event-feed')
export class EventFeed extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      .banner {
        border-left: 6px solid var(--cc-warn);
        background: var(--cc-warn-soft);
        border-radius: 6px;
        padding: 0.45rem 0.7rem;
      }
      .banner.latest {
        border-left-color: var(--cc-danger);
        background: var(--cc-danger-soft);
      }
      .title {
        font-weight: 700;
      }
      .when {
        color: var(--cc-muted);
        font-size: 0.85em;
        font-variant-numeric: tabular-nums;
      }
      .effects {
        margin-top: 0.5rem;
      }
      .effect {
        font-size: 0.9em;
        background: var(--cc-surface-2);
        border-radius: 6px;
        padding: 0.25rem 0.6rem;
      }
      :host([big]) .banner {
        font-size: 1.5em;
        padding: 0.5em 0.8em;
        border-left-width: 12px;
      }
      :host([big]) .banner:not(.latest) {
        font-size: 1.1em;
      }
      :host([big]) .effect {
        font-size: 1.2em;
      }
      .empty {
        color: var(--cc-muted);
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) banners: readonly EventBanner[] = [];
  @property({ attribute: false }) effects: readonly ActiveEffectView[] = [];
  @property({ attribute: false }) appNames: ReadonlyMap<string, string> = new Map();
  @property({ type: Number }) timeS = 0;
  /** The room's speed: effects count down in real seconds (0: unknown, so simulated ones, labelled). */
  @property({ type: Number }) speed = 0;
  /** Projector size. */
  @property({ type: Boolean, reflect: true }) big = false;
  /** Announce new banners to screen readers (one feed per screen should). */
  @property({ type: Boolean }) live = false;

  override render() {
    const newest = [...this.banners].reverse();
    const latest = newest[0]?.seq;
    return html`
      ${newest.length === 0
        ? html`<p class="empty">No events yet.</p>`
        : html`<ul aria-live=${this.live ? 'polite' : 'off'} data-testid="event-banners">
            ${repeat(
              newest,
              (b) => b.seq,
              (b) =>
                html`<li class="banner ${b.seq === latest ? 'latest' : ''}" data-testid="event-banner" data-type=${b.type}>
                  <div class="title">${icon(EVENT_ICON[b.type] ?? 'warning')} ${b.title}</div>
                  <div>${b.detail}</div>
                  <div class="when">at simulated ${clockText(b.atS)}${b.source === 'teacher' ? ' · sent by your teacher' : ''}</div>
                </li>`,
            )}
          </ul>`}
      ${this.effects.length > 0
        ? html`<ul class="effects" data-testid="active-effects" aria-label="Active effects">
            ${this.effects.map(
              (e) =>
                html`<li class="effect">
                  ${icon(EVENT_ICON[e.type] ?? 'spike')}
                  ${e.type === 'trafficSpike' ? 'Demand' : 'CPU use'} of <strong>${this.appNames.get(e.appId) ?? e.appId}</strong> ×${e.factor},
                  ${this.speed > 0 ? `${realLeft(e.untilS, this.timeS, this.speed)} left (real time)` : `${Math.max(0, Math.ceil(e.untilS - this.timeS))} simulated s left`}
                </li>`,
            )}
          </ul>`
        : ''}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-event-feed': EventFeed;
  }
}
