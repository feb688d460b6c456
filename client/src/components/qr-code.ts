import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

/** A QR code for a URL, drawn as an image with the URL as its text alternative. */
@customElement('cc-qr-code')
export class QrCode extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
    }
    img {
      display: block;
      width: 100%;
      height: auto;
      image-rendering: pixelated;
      background: #fff;
    }
  `;

  @property() value = '';
  @state() private _src = '';

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('value')) void this._draw(this.value);
  }

  private async _draw(value: string) {
    if (!value) return;
    const { default: QRCode } = await import('qrcode');
    const src = await QRCode.toDataURL(value, { errorCorrectionLevel: 'M', margin: 2, scale: 10, color: { dark: '#000000', light: '#ffffff' } });
    // A newer value may have been set while this one was drawing.
    if (value === this.value) this._src = src;
  }

  override render() {
    return this._src ? html`<img src=${this._src} alt="QR code to join: ${this.value}" data-testid="join-qr" />` : html``;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cc-qr-code': QrCode;
  }
}
