import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export interface UsageSegment {
  readonly value: number;
  /** `guest`: a guest OS's share (hatched); `used`: work; `hot`: over a comfortable level. */
  readonly kind: 'guest' | 'used' | 'hot';
}

/**
 * A labelled usage bar: a line of text that says it all (read by everyone, screen readers
 * included) above a stacked bar that shows it (hidden from assistive technology).
 */
@customElement('cc-usage-bar')
export class UsageBar extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-size: 0.85rem;
    }
    .text {
      display: flex;
      justify-content: space-between;
      gap: 0.5rem;
      flex-wrap: wrap;
    }
    .label {
      font-weight: 700;
    }
    .bar {
      display: flex;
      height: 0.8rem;
      margin-top: 0.15rem;
      border: 1px solid var(--cc-muted);
      border-radius: 4px;
      background: var(--cc-surface);
      overflow: hidden;
    }
    .seg {
      height: 100%;
    }
    .used {
      background: var(--cc-accent);
    }
    .hot {
      background: var(--cc-danger);
    }
    .guest {
      background: repeating-linear-gradient(135deg, var(--cc-vm) 0 3px, var(--cc-guest) 3px 7px);
    }
  `;

  @property() label = '';
  @property() text = '';
  @property({ type: Number }) max = 1;
  @property({ attribute: false }) segments: readonly UsageSegment[] = [];

  override render() {
    const max = this.max > 0 ? this.max : 1;
    let left = 100;
    return html`<div class="text"><span class="label">${this.label}</span><span>${this.text}</span></div>
      <div class="bar" aria-hidden="true">
        ${this.segments.map((s) => {
          const w = Math.max(0, Math.min(left, (s.value / max) * 100));
          left -= w;
          return html`<span class="seg ${s.kind}" style="width:${w}%"></span>`;
        })}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-usage-bar': UsageBar;
  }
}
