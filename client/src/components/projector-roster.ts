import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { base } from '../styles/shared.ts';
import { FitController } from './fit.ts';

const ROW_EM = 2;
const MIN_COL_EM = 9;

/**
 * Who has joined, as name tags that fill the space they are given and no more: past that, the
 * newest names and "+ 23 more", so a class of 60 never pushes the projector into scrolling.
 */
@customElement('cc-projector-roster')
export class ProjectorRoster extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 0;
        height: 100%;
        overflow: hidden;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0 0.5em;
      }
      li {
        height: ${ROW_EM - 0.3}em;
        margin-bottom: 0.3em;
        background: var(--cc-surface-2);
        border-radius: 999px;
        padding: 0 0.8em;
        font-weight: 700;
        line-height: ${ROW_EM - 0.3}em;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        animation: pop 0.4s ease-out both;
      }
      li.more {
        background: transparent;
        color: var(--cc-muted);
      }
      @keyframes pop {
        from {
          transform: scale(0.6);
          opacity: 0;
        }
        to {
          transform: none;
          opacity: 1;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        li {
          animation: none;
        }
      }
    `,
  ];

  /** Names, newest last. */
  @property({ attribute: false }) names: readonly string[] = [];
  /** How many have joined (the names may be capped). */
  @property({ type: Number }) count = 0;

  private _fit = new FitController(this);

  override render() {
    const columns = this._fit.columns(MIN_COL_EM + 0.5);
    const capacity = this._fit.height > 0 ? columns * this._fit.rows(ROW_EM) : this.names.length;
    const total = Math.max(this.count, this.names.length);
    // Keep the newest names: a student who just joined looks for their own.
    const shown = total <= capacity ? this.names : this.names.slice(-Math.max(0, capacity - 1));
    const rest = total - shown.length;
    // Keys must be unique; two students may share a name.
    const seen = new Map<string, number>();
    const keyed = shown.map((n) => {
      const k = (seen.get(n) ?? 0) + 1;
      seen.set(n, k);
      return { n, key: `${k}:${n}` };
    });
    return html`<ul data-testid="projector-roster" style="grid-template-columns:repeat(${columns},minmax(0,1fr))">
      ${repeat(
        keyed,
        (x) => x.key,
        (x) => html`<li data-testid="projector-name">${x.n}</li>`,
      )}
      ${rest > 0 ? html`<li class="more" data-testid="projector-more-names">+ ${rest} more</li>` : ''}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-roster': ProjectorRoster;
  }
}
