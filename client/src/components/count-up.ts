import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { points } from '../lib/format.ts';

/** Short enough that a score fed ten times a second never trails the real one by more than a fraction of a second. */
const DURATION_MS = 400;

const reducedMotion = (): boolean => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/**
 * The time of the current frame: the same for every element drawn in it, so two counters given the
 * same values at the same moment (the bar's score and the score panel's) show the same number.
 */
const frameTime = (): number => {
  const t = document.timeline?.currentTime;
  return typeof t === 'number' ? t : performance.now();
};

/**
 * A score that counts up (or down) to its new value, so a gain is felt rather than read. What it
 * shows is a function of time, not of frames drawn: a throttled tab or a busy phone cannot leave it
 * behind, and DURATION_MS after the last change it shows the value itself. It jumps straight there
 * under prefers-reduced-motion.
 */
@customElement('cc-count-up')
export class CountUp extends LitElement {
  static override styles = css`
    :host {
      font-variant-numeric: tabular-nums;
    }
  `;

  @property({ type: Number }) value = 0;
  private _from = 0;
  private _to = 0;
  private _start = -Infinity;
  private _started = false;
  private _frame = 0;

  override disconnectedCallback(): void {
    cancelAnimationFrame(this._frame);
    this._frame = 0;
    super.disconnectedCallback();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reattached mid-count (a list reordered): carry on to the end.
    if (this._started && this._shownAt(frameTime()) !== this._to) this._animate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('value') || (this._started && this.value === this._to)) return;
    const now = frameTime();
    const from = this._shownAt(now);
    this._to = this.value;
    if (!this._started || reducedMotion() || Math.abs(this.value - from) < 0.05) {
      this._started = true;
      this._from = this.value;
      this._start = -Infinity;
      return;
    }
    this._from = from;
    this._start = now;
    this._animate();
  }

  override render() {
    return html`${points(this._started ? this._shownAt(frameTime()) : this.value)}`;
  }

  /** Ease out (fast at first, settling on the number), exactly the value once the time is up. */
  private _shownAt(now: number): number {
    const t = (now - this._start) / DURATION_MS;
    if (t >= 1) return this._to;
    return this._from + (this._to - this._from) * (1 - (1 - Math.max(0, t)) ** 3);
  }

  /** One render a frame until the count has landed (the last one draws the value itself). */
  private _animate(): void {
    if (this._frame) return;
    const step = () => {
      this._frame = 0;
      this.requestUpdate();
      if (frameTime() - this._start < DURATION_MS) this._frame = requestAnimationFrame(step);
    };
    this._frame = requestAnimationFrame(step);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-count-up': CountUp;
  }
}
