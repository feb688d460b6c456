import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Watches the size of its host element, so a screen can show as many rows as fit instead of
 * scrolling: the projector never scrolls, whatever the class size or the screen.
 */
export class FitController implements ReactiveController {
  width = 0;
  height = 0;
  /** The host's font size in px, to turn em-sized rows into counts. */
  fontPx = 16;
  private observer: ResizeObserver | null = null;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observer = new ResizeObserver(() => this.measure());
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
  }

  /** How many items of `itemEm` (height, in em) fit, after `reserveEm` for a footer line. */
  rows(itemEm: number, reserveEm = 0): number {
    if (this.height <= 0) return 0;
    return Math.max(1, Math.floor((this.height - reserveEm * this.fontPx) / (itemEm * this.fontPx)));
  }

  /** How many columns of at least `minEm` wide fit. */
  columns(minEm: number): number {
    if (this.width <= 0) return 1;
    return Math.max(1, Math.floor(this.width / (minEm * this.fontPx)));
  }

  private measure(): void {
    const width = this.host.clientWidth;
    const height = this.host.clientHeight;
    const fontPx = parseFloat(getComputedStyle(this.host).fontSize) || 16;
    if (width === this.width && height === this.height && fontPx === this.fontPx) return;
    Object.assign(this, { width, height, fontPx });
    this.host.requestUpdate();
  }
}

/** Whether the person asked for less motion: every animation on these screens checks it. */
export const reducedMotion = (): boolean => globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
