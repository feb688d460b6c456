import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { points } from '../lib/format.ts';

const DURATION_MS = 700;

const reducedMotion = (): boolean => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/**
 * A score that counts up (or down) to its new value, so a gain is felt rather than read. It jumps
 * straight there under prefers-reduced-motion; the final number is always the one shown at rest.
 */
@customElement('cc-count-up')
export class CountUp extends LitElement {
  static override styles = css`
    :host {
      font-variant-numeric: tabular-nums;
    }
    .up {
      color: var(--cc-count-up, inherit);
    }
  `;

  @property({ type: Number }) value = 0;
  @state() private _shown: number | null = null;
  private _frame = 0;
  private _settle: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    cancelAnimationFrame(this._frame);
    clearTimeout(this._settle);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('value')) return;
    const from = this._shown;
    if (from === null || reducedMotion() || Math.abs(this.value - from) < 0.05) {
      cancelAnimationFrame(this._frame);
      clearTimeout(this._settle);
      this._shown = this.value;
      return;
    }
    cancelAnimationFrame(this._frame);
    const to = this.value;
    const start = performance.now();
    const step = (now: number) => {
      const t = Math.min(1, (now - start) / DURATION_MS);
      // Ease out: fast at first, settling on the number.
      this._shown = from + (to - from) * (1 - (1 - t) ** 3);
      if (t < 1) this._frame = requestAnimationFrame(step);
    };
    this._frame = requestAnimationFrame(step);
    // Frames may be throttled (a background tab): the number still lands on its value.
    clearTimeout(this._settle);
    this._settle = setTimeout(() => {
      cancelAnimationFrame(this._frame);
      this._shown = this.value;
    }, DURATION_MS + 50);
  }

  override render() {
    return html`${points(this._shown ?? this.value)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-count-up': CountUp;
  }
}
