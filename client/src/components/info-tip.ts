import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { icon } from '../lib/icons.ts';
import { base } from '../styles/shared.ts';

/**
 * A badge that explains itself: its words are a button, and hovering, focusing or tapping it
 * shows the explanation beside it. The explanation is also the button's accessible description,
 * so a screen reader reads it on focus. Escape hides it.
 */
@customElement('cc-info-tip')
export class InfoTip extends LitElement {
  // Focusing the badge focuses its button, so the explanation shows for whoever moves focus there.
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    base,
    css`
      :host {
        display: inline-block;
        position: relative;
        max-width: 100%;
      }
      button {
        min-height: 1.75rem;
        padding: 0 0.55em;
        border-radius: 999px;
        border: 1px solid var(--cc-border);
        background: var(--cc-surface-2);
        color: var(--cc-text);
        font-weight: 400;
        font-size: inherit;
        cursor: help;
        max-width: 100%;
        text-align: left;
      }
      :host([tone='warn']) button {
        border: 2px solid var(--cc-warn);
        background: var(--cc-warn-soft);
        font-weight: 700;
      }
      .more {
        color: var(--cc-muted);
      }
      .tip {
        position: absolute;
        z-index: 5;
        top: calc(100% + 4px);
        left: 0;
        width: max-content;
        max-width: min(20rem, calc(100vw - 1.5rem));
        background: var(--cc-text);
        color: #fff;
        border-radius: 6px;
        padding: 0.45rem 0.6rem;
        font-size: 0.85rem;
        font-weight: 400;
        line-height: 1.35;
        box-shadow: 0 4px 14px rgb(0 0 0 / 25%);
        white-space: normal;
      }
    `,
  ];

  /** The explanation. */
  @property() tip = '';
  /** `warn` draws attention (steal, a limit that hurts): with an icon and bold words, never colour alone. */
  @property({ reflect: true }) tone: 'plain' | 'warn' = 'plain';
  @state() private _open = false;
  @state() private _shift = 0;
  @query('.tip') private _tip!: HTMLElement | null;

  override render() {
    return html`<button
        type="button"
        aria-describedby="tip"
        @pointerenter=${this._onPointerEnter}
        @pointerleave=${this._onPointerLeave}
        @focus=${this._show}
        @blur=${this._hide}
        @click=${this._show}
        @keydown=${this._onKey}
      >
        ${this.tone === 'warn' ? icon('warning') : ''}<slot></slot><span class="more">${icon('info')}</span>
      </button>
      <span role="tooltip" id="tip" class="tip" ?hidden=${!this._open} style="transform: translateX(${this._shift}px)">${this.tip}</span>`;
  }

  override updated(): void {
    // Keep the explanation on screen: a badge near the right edge of a phone would push it off.
    if (!this._open || !this._tip) return;
    const box = this._tip.getBoundingClientRect();
    const overflow = box.right - this._shift - (document.documentElement.clientWidth - 8);
    const shift = overflow > 0 ? -Math.min(overflow, box.left - this._shift - 8) : 0;
    if (Math.abs(shift - this._shift) > 0.5) this._shift = shift;
  }

  override disconnectedCallback(): void {
    document.removeEventListener('pointerdown', this._onOutside, true);
    super.disconnectedCallback();
  }

  // Hover is for mice: a finger "leaves" as it lifts, which would hide the tip its tap just opened.
  private _onPointerEnter(e: PointerEvent) {
    if (e.pointerType === 'mouse') this._show();
  }

  private _onPointerLeave(e: PointerEvent) {
    if (e.pointerType === 'mouse') this._hide();
  }

  private _show() {
    this._open = true;
    // A tap elsewhere closes it (a finger never blurs a button it did not focus).
    document.addEventListener('pointerdown', this._onOutside, true);
  }

  private _hide() {
    this._open = false;
    this._shift = 0;
    document.removeEventListener('pointerdown', this._onOutside, true);
  }

  private _onOutside = (e: PointerEvent) => {
    if (!e.composedPath().includes(this)) this._hide();
  };

  private _onKey(e: KeyboardEvent) {
    if (e.key === 'Escape' && this._open) {
      // Only the tip closes: a dialog around it stays open.
      e.stopPropagation();
      e.preventDefault();
      this._hide();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-info-tip': InfoTip;
  }
}
