import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from '../styles/shared.ts';
import './qr-code.ts';

/**
 * How to join, for the back of the room: the address, the code and a QR code. Big in the lobby;
 * `compact` once the game runs, a corner box that latecomers can still read.
 */
@customElement('cc-projector-join')
export class ProjectorJoin extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 0;
      }
      section {
        height: 100%;
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        grid-template-rows: auto auto minmax(0, 1fr);
        grid-template-areas: 'label label' 'code code' 'url qr';
        gap: 1.5vh 2vw;
        align-items: start;
        background: var(--cc-surface);
        border: 3px solid var(--cc-accent);
        border-radius: 18px;
        padding: 2.5vh 2vw;
      }
      .label {
        grid-area: label;
        font-size: 1.5em;
        margin: 0;
        color: var(--cc-muted);
      }
      .label strong {
        color: var(--cc-text);
        font-family: var(--cc-mono);
      }
      .code {
        grid-area: code;
        font-family: var(--cc-mono);
        font-size: min(20vh, 11vw);
        font-weight: 900;
        letter-spacing: 0.06em;
        line-height: 1;
        margin: 0;
        white-space: nowrap;
      }
      .url {
        grid-area: url;
        font-family: var(--cc-mono);
        font-size: 1.3em;
        overflow-wrap: anywhere;
        margin: 0;
        align-self: end;
      }
      .url .or {
        display: block;
        font-family: var(--cc-font);
        color: var(--cc-muted);
        font-size: 0.85em;
        margin-bottom: 0.3em;
      }
      cc-qr-code {
        grid-area: qr;
        width: min(44vh, 22vw);
        align-self: end;
      }
      :host([compact]) section {
        grid-template-columns: auto auto;
        grid-template-rows: auto auto;
        grid-template-areas: 'label qr' 'code qr';
        padding: 1vh 1vw;
        gap: 0.3vh 1vw;
        border-width: 2px;
        align-items: center;
      }
      :host([compact]) .label {
        font-size: 0.85em;
      }
      :host([compact]) .code {
        font-size: min(6vh, 3.4vw);
      }
      :host([compact]) .url {
        display: none;
      }
      :host([compact]) .code {
        letter-spacing: 0.04em;
      }
      :host([compact]) cc-qr-code {
        width: min(12vh, 7vw);
      }
    `,
  ];

  @property() code = '';
  @property() joinUrl = '';
  @property({ type: Boolean, reflect: true }) compact = false;

  override render() {
    const host = this.joinUrl ? new URL(this.joinUrl).host : location.host;
    return html`<section aria-labelledby="join-label" data-testid="projector-join" data-compact=${String(this.compact)}>
      <p class="label" id="join-label">Join at <strong>${host}</strong> with code</p>
      <p class="code" data-testid="projector-code" aria-label="Room code ${this.code.split('').join(' ')}">${this.code}</p>
      <p class="url"><span class="or">or scan the code, or go to</span><span data-testid="projector-url">${this.joinUrl}</span></p>
      <cc-qr-code .value=${this.joinUrl}></cc-qr-code>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-projector-join': ProjectorJoin;
  }
}
