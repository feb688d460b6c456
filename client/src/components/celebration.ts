import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { reducedMotion } from './fit.ts';

const COLOURS = ['#ffd66b', '#8fb3ff', '#ff9c94', '#7ee2a0', '#d3a6ff', '#ffffff'];
const PIECES = 90;

/**
 * Confetti for the debrief, in CSS only: decorative (hidden from assistive technology), drawn
 * over the screen without catching clicks, falling twice and then gone. Not drawn at all when
 * reduced motion is asked for.
 */
@customElement('cc-celebration')
export class Celebration extends LitElement {
  static override styles = css`
    :host {
      position: fixed;
      inset: 0;
      overflow: hidden;
      pointer-events: none;
      z-index: 5;
    }
    i {
      position: absolute;
      top: -5vh;
      left: var(--x);
      width: 0.9vw;
      height: 1.6vh;
      background: var(--c);
      border-radius: 2px;
      opacity: 0;
      animation: fall var(--t) linear var(--d) 2;
    }
    @keyframes fall {
      0% {
        transform: translate3d(0, 0, 0) rotate(0deg);
        opacity: 1;
      }
      100% {
        transform: translate3d(var(--dx), 110vh, 0) rotate(var(--r));
        opacity: 1;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      i {
        display: none;
      }
    }
  `;

  // Fixed once per element: a re-render must not restart the fall.
  private _pieces = Array.from({ length: PIECES }, (_, i) => {
    // A deterministic scatter (no Math.random needed for decoration).
    const a = (i * 37) % 100;
    const b = (i * 53) % 97;
    return `--x:${a}vw;--c:${COLOURS[i % COLOURS.length]};--d:${(b / 97) * 2.5}s;--t:${3.5 + (i % 5) * 0.5}s;--dx:${((i % 7) - 3) * 3}vw;--r:${(i % 2 ? 1 : -1) * (360 + b * 6)}deg`;
  });

  override render() {
    if (reducedMotion()) return html``;
    return html`<div aria-hidden="true" data-testid="celebration">${this._pieces.map((style) => html`<i style=${style}></i>`)}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-celebration': Celebration;
  }
}
